-- A row may leave its MAC empty: the batch API assigns one (00:16:3e + a hash of the host name) and
-- records it in MAC_ as any other, so the steps use it; MAC_ASSIGNED_ says the product chose it.
ALTER TABLE XP_GUEST ADD COLUMN MAC_ASSIGNED_ BOOLEAN DEFAULT FALSE NOT NULL;

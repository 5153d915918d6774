-- What became of each batch, kept beside what was submitted, so its audit never depends on the
-- engine's history (DELETE /engine-rest/history/process-instance/{id} or the engine's history
-- clean-up removes that). Written by the process's listeners in the engine's own transaction: the
-- decision when approve-batch completes, each guest's outcome when it ends, the batch's end after
-- its guests. Batches decided before this migration have none of it and are read from history alone.
ALTER TABLE XP_BATCH ADD COLUMN APPROVED_ BOOLEAN;
ALTER TABLE XP_BATCH ADD COLUMN DECIDED_BY_ VARCHAR(255);
ALTER TABLE XP_BATCH ADD COLUMN DECIDED_AT_ TIMESTAMP;
ALTER TABLE XP_BATCH ADD COLUMN COMMENT_ VARCHAR(4000);
ALTER TABLE XP_BATCH ADD COLUMN FINISHED_AT_ TIMESTAMP;
-- PROVISIONED or ROLLED_BACK once the guest ended; null before
ALTER TABLE XP_GUEST ADD COLUMN STATE_ VARCHAR(16);
ALTER TABLE XP_GUEST ADD COLUMN ERROR_ VARCHAR(1000000);
ALTER TABLE XP_GUEST ADD COLUMN ENDED_AT_ TIMESTAMP;

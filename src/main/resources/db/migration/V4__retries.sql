-- A batch made by POST /api/batches/{id}/retry names the finished batch whose rolled-back guests it holds.
ALTER TABLE XP_BATCH ADD COLUMN RETRY_OF_ VARCHAR(64);

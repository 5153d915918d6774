-- The batch ledger: each batch and its guests exactly as POST /api/batches validated them.
-- Only the batch API writes here, in the transaction that starts the batch's process instance;
-- the steps read their guest from here, never from process variables (which a REST call can set).

CREATE TABLE XP_BATCH (
  ID_ VARCHAR(64) NOT NULL,
  PROC_INST_ID_ VARCHAR(64) NOT NULL,
  NAME_ VARCHAR(200) NOT NULL,
  SUBMITTED_BY_ VARCHAR(255) NOT NULL,
  SUBMITTED_AT_ TIMESTAMP NOT NULL,
  -- identity of the base image the batch was approved with (device, inode, size, times)
  BASE_IMAGE_FINGERPRINT_ VARCHAR(1000) NOT NULL,
  CONSTRAINT XP_PK_BATCH PRIMARY KEY (ID_),
  CONSTRAINT XP_UQ_BATCH_PROC_INST UNIQUE (PROC_INST_ID_)
);

CREATE TABLE XP_GUEST (
  BATCH_ID_ VARCHAR(64) NOT NULL,
  INDEX_ INTEGER NOT NULL,
  LINE_ INTEGER NOT NULL,
  HOSTNAME_ VARCHAR(253) NOT NULL,
  IP_ VARCHAR(15) NOT NULL,
  MAC_ VARCHAR(17) NOT NULL,
  NETMASK_ VARCHAR(15) NOT NULL,
  GATEWAY_ VARCHAR(15),
  MEMORY_ INTEGER NOT NULL,
  VCPUS_ INTEGER NOT NULL,
  CONSTRAINT XP_PK_GUEST PRIMARY KEY (BATCH_ID_, INDEX_),
  CONSTRAINT XP_FK_GUEST_BATCH FOREIGN KEY (BATCH_ID_) REFERENCES XP_BATCH (ID_)
);

-- One row per cluster-wide lock; submissions take 'submission' FOR UPDATE, so two lists submitted at
-- once (on one node or several) can never both claim the same host name, IP or MAC.
CREATE TABLE XP_LOCK (
  NAME_ VARCHAR(64) NOT NULL,
  CONSTRAINT XP_PK_LOCK PRIMARY KEY (NAME_)
);
INSERT INTO XP_LOCK (NAME_) VALUES ('submission');

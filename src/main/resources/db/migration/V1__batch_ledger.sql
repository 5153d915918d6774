-- The batch ledger: each batch and its guests exactly as POST /api/batches validated them.
-- Only the batch API writes here, in the transaction that starts the batch's process instance;
-- the steps read their guest from here, never from process variables (which a REST call can set).

CREATE TABLE XP_BATCH (
  ID_ VARCHAR(64) NOT NULL,
  PROC_INST_ID_ VARCHAR(64) NOT NULL,
  NAME_ VARCHAR(200) NOT NULL,
  SUBMITTED_BY_ VARCHAR(255) NOT NULL,
  SUBMITTED_AT_ TIMESTAMP NOT NULL,
  -- the Dom0 of the node that accepted the batch
  ACCEPTED_ON_ VARCHAR(63) NOT NULL,
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
  -- the Dom0 the guest is made on, and the identity of that Dom0's base image at submission
  -- (device, inode, size, times): a base changed or removed since then rolls the guest back
  DOM0_ VARCHAR(63) NOT NULL,
  BASE_IMAGE_FINGERPRINT_ VARCHAR(1000) NOT NULL,
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

-- The Dom0s of the cluster: each node registers its Dom0 at start and keeps LAST_SEEN_ fresh.
-- LAST_SEEN_ is the database's own time, so nodes never compare clocks with each other.
CREATE TABLE XP_DOM0 (
  NAME_ VARCHAR(63) NOT NULL,
  NODE_ID_ VARCHAR(64) NOT NULL,
  IMAGE_DIR_ VARCHAR(4000) NOT NULL,
  XEN_CONFIG_DIR_ VARCHAR(4000) NOT NULL,
  MOUNT_DIR_ VARCHAR(4000) NOT NULL,
  BASE_IMAGE_ VARCHAR(4000),
  BASE_IMAGE_FINGERPRINT_ VARCHAR(1000),
  -- why the base image cannot be used (missing, LVM, no root file system), or null
  BASE_IMAGE_PROBLEM_ VARCHAR(4000),
  VERSION_ VARCHAR(64) NOT NULL,
  STARTED_AT_ TIMESTAMP NOT NULL,
  LAST_SEEN_ TIMESTAMP NOT NULL,
  CONSTRAINT XP_PK_DOM0 PRIMARY KEY (NAME_)
);

-- Many Dom0s. Each guest is made on a Dom0 and checked against that Dom0's base image as it was at
-- submission (the fingerprint moves from the batch to its guests); a batch records the Dom0 of the
-- node that accepted it. Rows from before were all made on this node's Dom0 (${dom0}: the
-- node's provisioner.dom0, set by the application).
ALTER TABLE XP_GUEST ADD COLUMN DOM0_ VARCHAR(63);
ALTER TABLE XP_GUEST ADD COLUMN BASE_IMAGE_FINGERPRINT_ VARCHAR(1000);
UPDATE XP_GUEST SET DOM0_ = '${dom0}',
  BASE_IMAGE_FINGERPRINT_ = (SELECT B.BASE_IMAGE_FINGERPRINT_ FROM XP_BATCH B WHERE B.ID_ = XP_GUEST.BATCH_ID_);
ALTER TABLE XP_GUEST ALTER COLUMN DOM0_ SET NOT NULL;
ALTER TABLE XP_GUEST ALTER COLUMN BASE_IMAGE_FINGERPRINT_ SET NOT NULL;

ALTER TABLE XP_BATCH ADD COLUMN ACCEPTED_ON_ VARCHAR(63);
UPDATE XP_BATCH SET ACCEPTED_ON_ = '${dom0}';
ALTER TABLE XP_BATCH ALTER COLUMN ACCEPTED_ON_ SET NOT NULL;
ALTER TABLE XP_BATCH DROP COLUMN BASE_IMAGE_FINGERPRINT_;

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

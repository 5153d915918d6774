-- What steps 4 and 6 wrote and removed for each guest (the files of its plan, as carried out),
-- recorded in the step's own transaction, so the plan of a past batch is what really landed on disk.
-- A step that runs again (after a crash) replaces what it recorded before.
CREATE TABLE XP_GUEST_FILE (
  BATCH_ID_ VARCHAR(64) NOT NULL,
  INDEX_ INTEGER NOT NULL,
  WHERE_ VARCHAR(8) NOT NULL,
  SEQ_ INTEGER NOT NULL,
  PATH_ VARCHAR(4000) NOT NULL,
  ACTION_ VARCHAR(8) NOT NULL,
  CONTENT_ VARCHAR(1000000),
  MODE_ VARCHAR(9),
  RENAMED_TO_ VARCHAR(4000),
  CONSTRAINT XP_PK_GUEST_FILE PRIMARY KEY (BATCH_ID_, INDEX_, WHERE_, SEQ_),
  CONSTRAINT XP_FK_GUEST_FILE_GUEST FOREIGN KEY (BATCH_ID_, INDEX_) REFERENCES XP_GUEST (BATCH_ID_, INDEX_)
);

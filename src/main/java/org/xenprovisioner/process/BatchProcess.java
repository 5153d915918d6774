package org.xenprovisioner.process;

/**
 * The process contract: keys, activity ids, error codes and variable names shared by the BPMN models
 * ({@code provision-batch}, with one {@code provision-guest} instance per guest), the delegates and the API.
 */
public final class BatchProcess {

  public static final String PROCESS_KEY = "provision-batch";
  /** One instance per group of guests, called by the batch; it calls the guests. */
  public static final String GROUP_PROCESS_KEY = "provision-guests";
  /** Guests a group holds at most: keeps each multi-instance small, so a guest costs the same in any batch. */
  public static final int GUESTS_PER_GROUP = 25;
  /** One instance per guest, called by its group, in the tenant of the guest's Dom0. */
  public static final String GUEST_PROCESS_KEY = "provision-guest";
  /** Deployed by each node for its own Dom0 (cluster.GuestDeployments), never auto-deployed. */
  public static final String GUEST_PROCESS_RESOURCE = "provision-guest.bpmn";
  public static final String TASK_APPROVE = "approve-batch";
  public static final String CALL_ACTIVITY_GROUPS = "CallActivity_ProvisionGuests";
  public static final String CALL_ACTIVITY_GUEST = "CallActivity_ProvisionGuest";
  public static final String END_GUEST_PROVISIONED = "EndEvent_GuestProvisioned";
  public static final String END_GUEST_ROLLED_BACK = "EndEvent_GuestRolledBack";
  /** The event subprocess a rolled-back guest's instance ends in, as its history records the end. */
  public static final String SUBPROCESS_ROLL_BACK_GUEST = "SubProcess_RollBackGuest";
  public static final String ERROR_GUEST_FAILED = "Err_GuestFailed";
  public static final String GROUP_APPROVERS = "approvers";
  public static final String GROUP_OPERATORS = "operators";

  /**
   * Batch variables, set at submission for Cockpit, Tasklist and the audit. None of them steers a
   * step: the steps read their guest from the batch ledger and their paths from the node's configuration.
   */
  public static final String VAR_BATCH_NAME = "batchName";
  public static final String VAR_SUBMITTED_BY = "submittedBy";
  public static final String VAR_SUBMITTED_AT = "submittedAt";
  public static final String VAR_GUEST_COUNT = "guestCount";
  /** The approval decision: the only variables completing {@code approve-batch} may set. */
  public static final String VAR_APPROVED = "approved";
  public static final String VAR_COMMENT = "comment";
  /** Characters a decision's comment may hold. */
  public static final int MAX_COMMENT = 2000;
  /** Set by the task's completion listener from the engine's authenticated user. */
  public static final String VAR_APPROVED_BY = "approvedBy";
  public static final String VAR_APPROVED_AT = "approvedAt";
  /** Json rows the approval form's guest table shows (set at submission from the ledger's rows). */
  public static final String VAR_GUEST_TABLE = "guestTable";

  /** A group's position in its batch, handed in by the batch. */
  public static final String VAR_GROUP_INDEX = "groupIndex";

  /** Guest variables, of one instance of provision-guest; its position in the batch is handed in by its group. */
  public static final String VAR_GUEST_INDEX = "guestIndex";
  /** Shown in Cockpit from step 1 on; never read back by a step. */
  public static final String VAR_HOSTNAME = "hostname";
  public static final String VAR_IP = "ip";
  public static final String VAR_MAC = "mac";
  public static final String VAR_IMAGE = "image";
  public static final String VAR_DOMAIN_CONFIG = "domainConfig";
  public static final String VAR_LOOP_DEVICE = "loopDevice";
  public static final String VAR_GUEST_STATE = "guestState";
  public static final String VAR_GUEST_ERROR = "guestError";
  public static final String VAR_FAILED_STEP = "failedStep";
  /** "bytes done / bytes to copy", set from outside the copy job's transaction while the copy runs; the job never writes it. */
  public static final String VAR_COPY_PROGRESS = "copyProgress";


  public static final String GUEST_RUNNING = "RUNNING";
  public static final String GUEST_PROVISIONED = "PROVISIONED";
  public static final String GUEST_ROLLED_BACK = "ROLLED_BACK";
  public static final String GUEST_PENDING = "PENDING";

  private BatchProcess() {
  }
}

package org.xenprovisioner.process;

import java.util.List;

/** Process key, activity ids, error codes and variable names shared by the BPMN model, delegates and API. */
public final class BatchProcess {

  public static final String PROCESS_KEY = "provision-batch";
  public static final String TASK_APPROVE = "approve-batch";
  public static final String SUBPROCESS_GUEST = "SubProcess_ProvisionGuest";
  /** A guest's two end events, and the batch's after all its guests. */
  public static final String END_GUEST_PROVISIONED = "EndEvent_GuestProvisioned";
  public static final String END_GUEST_ROLLED_BACK = "EndEvent_GuestRolledBack";
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

  /** Guest variables, local to one instance of the guest subprocess. */
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

  /** Declared local to the guest scope at its start, so that steps setting them never leak them to the batch. */
  static final List<String> GUEST_LOCALS = List.of(VAR_HOSTNAME, VAR_IP, VAR_MAC, VAR_IMAGE, VAR_DOMAIN_CONFIG,
      VAR_LOOP_DEVICE, VAR_GUEST_ERROR, VAR_FAILED_STEP);

  public static final String GUEST_RUNNING = "RUNNING";
  public static final String GUEST_PROVISIONED = "PROVISIONED";
  public static final String GUEST_ROLLED_BACK = "ROLLED_BACK";
  public static final String GUEST_PENDING = "PENDING";

  private BatchProcess() {
  }
}

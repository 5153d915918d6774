package org.xenprovisioner.batch;

import static org.xenprovisioner.process.BatchProcess.*;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.xenprovisioner.cluster.Dom0s;
import org.xenprovisioner.config.ProvisionerProperties;
import org.xenprovisioner.intake.VmList;
import org.xenprovisioner.intake.VmListError;
import org.xenprovisioner.intake.VmListParser;
import org.xenprovisioner.intake.VmListRejectedException;
import org.xenprovisioner.ledger.BatchLedger;
import org.xenprovisioner.ledger.LedgerBatch;
import org.xenprovisioner.ledger.SubmittedGuest;
import org.xenprovisioner.process.BatchEvents;
import org.xenprovisioner.security.ProcessGuardPlugin;

/** Submitting a batch (validate, claim, record, start) and deciding on it. */
@Service
public class BatchService {

  private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
  static final int MAX_NAME = 200;

  private final RuntimeService runtime;
  private final TaskService tasks;
  private final IdentityService identity;
  private final GuestPlacement placement;
  private final GuestClaims claims;
  private final BatchLedger ledger;
  private final Dom0s dom0s;
  private final VmListParser parser;

  BatchService(RuntimeService runtime, TaskService tasks, IdentityService identity, GuestPlacement placement,
               GuestClaims claims, BatchLedger ledger, Dom0s dom0s, ProvisionerProperties properties) {
    this.runtime = runtime;
    this.tasks = tasks;
    this.identity = identity;
    this.placement = placement;
    this.claims = claims;
    this.ledger = ledger;
    this.dom0s = dom0s;
    this.parser = new VmListParser(properties.defaults().forIntake(), properties.maxRows());
  }

  /**
   * Validates the list, places each guest on its Dom0, records the batch in the ledger and starts
   * it, waiting for approval, in one transaction. Submissions are serialised across the cluster by
   * the ledger's lock, so two lists submitted at once cannot both claim the same guest.
   */
  @Transactional
  public BatchSubmitted submit(byte[] csv, String name, String user, List<String> groups) {
    String batchName = checkName(name);
    VmList list = parser.parse(csv);
    return start(list, Set.of(), batchName, user, groups, null);
  }

  /**
   * Places, claims, records and starts a checked list (in the caller's transaction); {@code macAssigned}
   * names the guests whose MAC the product chose, {@code retryOf} the batch a retry retries.
   */
  BatchSubmitted start(VmList list, Set<String> macAssigned, String batchName, String user, List<String> groups,
                        String retryOf) {
    List<GuestPlacement.Placed> located = placement.place(list).stream()
        .map(place -> new GuestPlacement.Placed(place.guest(), place.dom0(), macAssigned.contains(place.guest().hostname())))
        .toList();
    ledger.lockSubmissions();
    GuestClaims.Open open = claims.open();
    List<GuestPlacement.Placed> placed = MacAssignment.assign(located, open);
    List<VmListError> conflicts = claims.conflicts(placed, open);
    if (!conflicts.isEmpty()) {
      throw new VmListRejectedException(conflicts);
    }
    String id = newBatchId();
    String shownName = batchName == null ? id : batchName;
    Date submittedAt = new Date();
    Map<String, Object> variables = new HashMap<>();
    variables.put(VAR_BATCH_NAME, shownName);
    variables.put(VAR_SUBMITTED_BY, user);
    variables.put(VAR_SUBMITTED_AT, submittedAt);
    variables.put(VAR_GUEST_COUNT, list.size());
    variables.put(VAR_GUEST_TABLE, GuestTable.of(id, placed));
    // the engine records the caller as the instance's start user (four eyes compares with it); the API's
    // own group carries the only grant to start provision-batch (security.ProcessGuard)
    List<String> starting = new ArrayList<>(groups);
    starting.add(ProcessGuardPlugin.API_GROUP);
    identity.setAuthentication(user, starting);
    ProcessInstance instance;
    try {
      instance = runtime.createProcessInstanceByKey(PROCESS_KEY).businessKey(id).setVariables(variables).execute();
    } finally {
      identity.clearAuthentication();
    }
    List<SubmittedGuest> guests = new ArrayList<>();
    for (int index = 0; index < placed.size(); index++) {
      GuestPlacement.Placed guest = placed.get(index);
      guests.add(new SubmittedGuest(id, index, guest.guest(), guest.dom0().baseImageFingerprint(), guest.macAssigned()));
    }
    ledger.record(new LedgerBatch(id, instance.getId(), shownName, user, submittedAt.toInstant(), dom0s.own(), retryOf), guests);
    BatchEvents.submitted(id, shownName, user, guests.size());
    return new BatchSubmitted(id, BatchState.AWAITING_APPROVAL, list.size(), retryOf);
  }

  /**
   * Completes {@code approve-batch} as the caller. Who may decide (approvers, never the submitter)
   * and what the decision may carry is the engine's own check ({@code security.ProcessGuard}), the
   * same on every route.
   */
  public void decide(String batchId, ApprovalRequest request, String user, List<String> groups) {
    if (!groups.contains(GROUP_APPROVERS)) {
      throw new BatchProblem(HttpStatus.FORBIDDEN, "User " + user + " is not in group " + GROUP_APPROVERS);
    }
    if (request == null || request.approved() == null) {
      throw new BatchProblem(HttpStatus.BAD_REQUEST, "The body needs \"approved\": true or false");
    }
    if (request.comment() != null && request.comment().length() > MAX_COMMENT) {
      throw new BatchProblem(HttpStatus.BAD_REQUEST, "The comment has " + request.comment().length()
          + " characters; at most " + MAX_COMMENT + " are kept");
    }
    LedgerBatch batch = ledger.batch(batchId)
        .orElseThrow(() -> new BatchProblem(HttpStatus.NOT_FOUND, "No batch " + batchId));
    Task task = tasks.createTaskQuery().processInstanceId(batch.processInstanceId())
        .taskDefinitionKey(TASK_APPROVE).singleResult();
    if (task == null) {
      throw new BatchProblem(HttpStatus.CONFLICT, "Batch " + batchId + " is not waiting for approval");
    }
    Map<String, Object> decision = new HashMap<>();
    decision.put(VAR_APPROVED, request.approved());
    decision.put(VAR_COMMENT, request.comment());
    identity.setAuthentication(user, groups);
    try {
      tasks.complete(task.getId(), decision);
    } finally {
      identity.clearAuthentication();
    }
  }

  /** One line of printable characters, at most {@value #MAX_NAME}; null when none was given. */
  static String checkName(String name) {
    if (name == null || name.isBlank()) {
      return null;
    }
    String stripped = name.strip();
    if (stripped.length() > MAX_NAME) {
      throw new BatchProblem(HttpStatus.BAD_REQUEST, "The batch name has " + stripped.length()
          + " characters; at most " + MAX_NAME + " are allowed");
    }
    boolean printable = stripped.codePoints().allMatch(c -> switch (Character.getType(c)) {
      case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
           Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED -> false;
      default -> true;
    });
    if (!printable) {
      throw new BatchProblem(HttpStatus.BAD_REQUEST, "The batch name must be one line of printable characters");
    }
    return stripped;
  }

  private static String newBatchId() {
    return LocalDateTime.now().format(ID_TIME) + "-" + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
  }
}

package org.xenprovisioner.batch;

import static org.xenprovisioner.steps.ProcessConstants.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.engine.variable.Variables;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.xenprovisioner.config.ProvisionerProperties;
import org.xenprovisioner.host.BaseImageInspector;
import org.xenprovisioner.host.HostOperationException;
import org.xenprovisioner.host.BaseImageFingerprint;
import org.xenprovisioner.intake.VmList;
import org.xenprovisioner.intake.VmListError;
import org.xenprovisioner.intake.VmListParser;
import org.xenprovisioner.intake.VmListRejectedException;

/** Submitting a batch (validate, claim, start) and deciding on it (four eyes). */
@Service
public class BatchService {

  private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private final RuntimeService runtime;
  private final TaskService tasks;
  private final IdentityService identity;
  private final GuestClaims claims;
  private final ProvisionerProperties properties;
  private final VmListParser parser;
  private final BaseImageInspector baseImages;

  BatchService(RuntimeService runtime, TaskService tasks, IdentityService identity, GuestClaims claims,
               ProvisionerProperties properties, BaseImageInspector baseImages) {
    this.baseImages = baseImages;
    this.runtime = runtime;
    this.tasks = tasks;
    this.identity = identity;
    this.claims = claims;
    this.properties = properties;
    this.parser = new VmListParser(properties.defaults().forIntake(), properties.maxRows());
  }

  /**
   * Validates the list and starts the batch, waiting for approval. Synchronized so two lists
   * submitted at once cannot both claim the same guest.
   */
  public synchronized BatchSubmitted submit(byte[] csv, String name, String user, List<String> groups) {
    Path baseImage = usableBaseImage();
    Path imageDir = usableDirectory("provisioner.image-dir", properties.imageDir());
    Path xenConfigDir = usableDirectory("provisioner.xen-config-dir", properties.xenConfigDir());
    VmList list = parser.parse(csv);
    List<VmListError> conflicts = claims.conflicts(list, imageDir, xenConfigDir);
    if (!conflicts.isEmpty()) {
      throw new VmListRejectedException(conflicts);
    }
    String id = newBatchId();
    Map<String, Object> variables = new HashMap<>();
    variables.put(VAR_BATCH_NAME, name == null || name.isBlank() ? id : name.strip());
    variables.put(VAR_SUBMITTED_BY, user);
    variables.put(VAR_SUBMITTED_AT, new Date());
    variables.put(VAR_VM_LIST, Variables.byteArrayValue(list.toCsvBytes()));
    variables.put(VAR_GUEST_COUNT, list.size());
    variables.put(VAR_BASE_IMAGE, baseImage.toString());
    variables.put(VAR_BASE_IMAGE_FINGERPRINT, BaseImageFingerprint.of(baseImage));
    variables.put(VAR_IMAGE_DIR, imageDir.toString());
    variables.put(VAR_XEN_CONFIG_DIR, xenConfigDir.toString());
    variables.put(VAR_MOUNT_DIR, properties.mountDir().toAbsolutePath().normalize().toString());
    variables.put(VAR_GUEST_TABLE, GuestTable.of(list, imageDir, xenConfigDir));
    // with authorization on, the engine checks the operator's group grants (CREATE_INSTANCE)
    identity.setAuthentication(user, groups);
    try {
      runtime.createProcessInstanceByKey(PROCESS_KEY).businessKey(id).setVariables(variables).execute();
    } finally {
      identity.clearAuthentication();
    }
    return new BatchSubmitted(id, BatchState.AWAITING_APPROVAL, list.size());
  }

  /** Completes {@code approve-batch} as the caller; the task's own listener enforces four eyes again. */
  public void decide(String batchId, ApprovalRequest request, String user, List<String> groups) {
    if (!groups.contains(GROUP_APPROVERS)) {
      throw new BatchProblem(HttpStatus.FORBIDDEN, "User " + user + " is not in group " + GROUP_APPROVERS);
    }
    if (request == null || request.approved() == null) {
      throw new BatchProblem(HttpStatus.BAD_REQUEST, "The body needs \"approved\": true or false");
    }
    Task task = tasks.createTaskQuery().processDefinitionKey(PROCESS_KEY).processInstanceBusinessKey(batchId)
        .taskDefinitionKey(TASK_APPROVE).singleResult();
    if (task == null) {
      throw new BatchProblem(HttpStatus.CONFLICT, "Batch " + batchId + " is not waiting for approval");
    }
    Object submitter = runtime.getVariable(task.getProcessInstanceId(), VAR_SUBMITTED_BY);
    if (user.equals(submitter)) {
      throw new BatchProblem(HttpStatus.FORBIDDEN, "User " + user + " submitted batch " + batchId
          + " and cannot approve it too (four eyes)");
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

  private Path usableBaseImage() {
    Path baseImage = properties.baseImage();
    if (baseImage == null) {
      throw new VmListRejectedException(List.of(new VmListError(0, null,
          "provisioner.base-image is not set: configure the base guest image before submitting batches")));
    }
    if (!Files.isRegularFile(baseImage)) {
      throw new VmListRejectedException(List.of(new VmListError(0, null,
          "provisioner.base-image " + baseImage + " does not exist or is not a regular file")));
    }
    Path absolute = baseImage.toAbsolutePath().normalize();
    try {
      baseImages.inspect(absolute);
    } catch (HostOperationException e) {
      // an image holding LVM, or one without a root file system we can find: refused before anything starts
      throw new VmListRejectedException(List.of(new VmListError(0, null, "provisioner.base-image: " + e.getMessage())));
    }
    return absolute;
  }

  private static Path usableDirectory(String property, Path directory) {
    if (!Files.isDirectory(directory) || !Files.isWritable(directory)) {
      throw new VmListRejectedException(List.of(new VmListError(0, null,
          property + " " + directory + " is not a writable directory")));
    }
    return directory.toAbsolutePath().normalize();
  }

  private static String newBatchId() {
    return LocalDateTime.now().format(ID_TIME) + "-" + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
  }
}

package org.xenprovisioner.batch;

import static org.xenprovisioner.process.BatchProcess.GROUP_OPERATORS;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.BadUserRequestException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.xenprovisioner.config.ProvisionerProperties;
import org.xenprovisioner.intake.VmListRejectedException;

/** The batch API of the product contract. */
@RestController
@RequestMapping("/api/batches")
class BatchController {

  private final BatchService batches;
  private final BatchHistory history;
  private final BatchPlan plans;
  private final BatchRetry retries;
  private final int maxBodyBytes;

  BatchController(BatchService batches, BatchHistory history, BatchPlan plans, BatchRetry retries,
                  ProvisionerProperties properties) {
    this.batches = batches;
    this.history = history;
    this.plans = plans;
    this.retries = retries;
    this.maxBodyBytes = properties.maxBodyBytes();
  }

  @PostMapping
  ResponseEntity<BatchSubmitted> submit(HttpServletRequest request, @RequestParam(required = false) String name,
                                        Authentication caller) throws IOException {
    if (!groups(caller).contains(GROUP_OPERATORS)) {
      throw new BatchProblem(HttpStatus.FORBIDDEN, "User " + caller.getName() + " is not in group " + GROUP_OPERATORS);
    }
    if (request.getContentLengthLong() > maxBodyBytes) {
      // refused before reading: a client that sent "Expect: 100-continue" (curl does for large bodies) never sends it
      throw new BatchProblem(HttpStatus.PAYLOAD_TOO_LARGE, "The VM list is " + request.getContentLengthLong()
          + " bytes, larger than " + maxBodyBytes + " bytes (provisioner.max-body-bytes)");
    }
    byte[] body;
    try (InputStream in = request.getInputStream()) {
      body = in.readNBytes(maxBodyBytes + 1);
    }
    if (body.length > maxBodyBytes) {
      throw new BatchProblem(HttpStatus.PAYLOAD_TOO_LARGE,
          "The VM list is larger than " + maxBodyBytes + " bytes (provisioner.max-body-bytes)");
    }
    return ResponseEntity.status(HttpStatus.CREATED).body(batches.submit(body, name, caller.getName(), groups(caller)));
  }

  /** Newest first; {@code ?state=} keeps only batches in that state (extends the contract). */
  @GetMapping
  List<BatchSummary> list(@RequestParam(required = false) BatchState state) {
    List<BatchSummary> all = history.list();
    return state == null ? all : all.stream().filter(batch -> batch.state() == state).toList();
  }

  @GetMapping("/{id}")
  ResponseEntity<BatchDetail> detail(@PathVariable String id) {
    return ResponseEntity.ok(found(id));
  }

  /** Per guest the files its steps will write and remove, rendered as the steps render them (see {@link BatchPlan}). */
  @GetMapping("/{id}/plan")
  ResponseEntity<List<BatchPlan.GuestPlan>> plan(@PathVariable String id) {
    return ResponseEntity.ok(plans.of(found(id)));
  }

  @GetMapping(value = "/{id}/audit.csv", produces = "text/csv")
  ResponseEntity<String> auditCsv(@PathVariable String id) {
    BatchDetail batch = found(id);
    return ResponseEntity.ok()
        .header("Content-Disposition", "attachment; filename=\"batch-" + id + "-audit.csv\"")
        .contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
        .body(AuditCsv.of(batch));
  }

  /** A new batch of the finished batch's rolled-back guests, awaiting approval as any other (operators). */
  @PostMapping("/{id}/retry")
  ResponseEntity<BatchSubmitted> retry(@PathVariable String id, @RequestParam(required = false) String name,
                                       Authentication caller) {
    return ResponseEntity.status(HttpStatus.CREATED).body(retries.retry(id, name, caller.getName(), groups(caller)));
  }

  @PostMapping("/{id}/approval")
  ResponseEntity<BatchDetail> decide(@PathVariable String id, @RequestBody(required = false) ApprovalRequest request,
                                     Authentication caller) {
    batches.decide(id, request, caller.getName(), groups(caller));
    return detail(id);
  }

  @ExceptionHandler(VmListRejectedException.class)
  ResponseEntity<Map<String, Object>> rejected(VmListRejectedException e) {
    return ResponseEntity.badRequest().body(Map.of("errors", e.errors()));
  }

  @ExceptionHandler(BatchProblem.class)
  ResponseEntity<Map<String, Object>> problem(BatchProblem e) {
    if (e.status() == HttpStatus.PAYLOAD_TOO_LARGE) {
      // the unread rest of the body makes Tomcat close the connection: say so, so the client reads the answer first
      return ResponseEntity.status(e.status()).header("Connection", "close").body(Map.of("error", e.getMessage()));
    }
    return ResponseEntity.status(e.status()).body(Map.of("error", e.getMessage()));
  }

  /** The engine's refusal of a decision it may not take (e.g. a comment too long). */
  @ExceptionHandler(BadUserRequestException.class)
  ResponseEntity<Map<String, Object>> badRequest(BadUserRequestException e) {
    return ResponseEntity.badRequest().body(Map.of("error", e.getMessage()));
  }

  @ExceptionHandler(AuthorizationException.class)
  ResponseEntity<Map<String, Object>> forbidden(AuthorizationException e) {
    return ResponseEntity.status(HttpStatus.FORBIDDEN).body(Map.of("error", e.getMessage()));
  }

  private BatchDetail found(String id) {
    return history.detail(id).orElseThrow(() -> new BatchProblem(HttpStatus.NOT_FOUND, "No batch " + id));
  }

  private static List<String> groups(Authentication caller) {
    return caller.getAuthorities().stream().map(GrantedAuthority::getAuthority).toList();
  }
}

package org.xenprovisioner.batch;

import org.springframework.http.HttpStatus;

/** A request the API refuses with a status and a message for the caller (not a server fault). */
class BatchProblem extends RuntimeException {

  private final HttpStatus status;

  BatchProblem(HttpStatus status, String message) {
    super(message);
    this.status = status;
  }

  HttpStatus status() {
    return status;
  }
}

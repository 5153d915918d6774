package org.xenprovisioner.host.command;

/** What a finished command gave back. */
public record CommandResult(int exitCode, String stdout, String stderr) {
}

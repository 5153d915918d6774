package org.xenprovisioner.security;

import static org.xenprovisioner.process.BatchProcess.MAX_COMMENT;
import static org.xenprovisioner.security.OurProcesses.anyUser;
import static org.xenprovisioner.security.OurProcesses.definitionOfInstance;
import static org.xenprovisioner.security.OurProcesses.field;
import static org.xenprovisioner.security.OurProcesses.groups;
import static org.xenprovisioner.security.OurProcesses.isOurs;
import static org.xenprovisioner.security.OurProcesses.isOursById;

import java.util.Arrays;
import java.util.List;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.BadUserRequestException;
import org.camunda.bpm.engine.impl.cmd.AddCommentCmd;
import org.camunda.bpm.engine.impl.cmd.CreateAttachmentCmd;
import org.camunda.bpm.engine.impl.cmd.UpdateCommentCmd;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.impl.interceptor.CommandInterceptor;
import org.camunda.bpm.engine.impl.persistence.entity.TaskEntity;

/**
 * Comments and attachments are kept in the engine's database for as long as its history, and the
 * engine checks neither who adds them nor how large they are: any logged-in user could add a 30 MB
 * attachment and a 5 MB comment to a batch's approval task. Here, for everybody, administrators too:
 * no attachments at all (nothing in this product reads them; a link goes in a comment), and a
 * comment on a task or instance of ours comes from a user who may read batches, holds at most
 * {@value org.xenprovisioner.process.BatchProcess#MAX_COMMENT} characters, and a task or instance
 * keeps at most {@value #MAX_COMMENTS}. The engine's own calls (no user) pass.
 */
final class TaskNotesLimit extends CommandInterceptor {

  static final int MAX_COMMENTS = 100;
  static final String NO_ATTACHMENTS = "Attachments are not kept by xen-provisioner; put a link in a comment instead";

  @Override
  public <T> T execute(Command<T> command) {
    Authentication user = command instanceof AddCommentCmd || command instanceof UpdateCommentCmd
        || command instanceof CreateAttachmentCmd ? anyUser() : null;
    if (user != null) {
      if (command instanceof CreateAttachmentCmd) {
        throw new AuthorizationException(NO_ATTACHMENTS);
      }
      Class<?> type = command instanceof AddCommentCmd ? AddCommentCmd.class : UpdateCommentCmd.class;
      checkComment(user, (String) field(command, type, "taskId"), (String) field(command, type, "processInstanceId"),
          (String) field(command, type, "message"), command instanceof AddCommentCmd);
    }
    return next.execute(command);
  }

  private static void checkComment(Authentication user, String taskId, String processInstanceId, String message,
                                   boolean adds) {
    CommandContext context = Context.getCommandContext();
    TaskEntity task = taskId == null ? null : context.getTaskManager().findTaskById(taskId);
    boolean ours = task != null ? isOurs(task) : processInstanceId != null && isOursById(definitionOfInstance(processInstanceId));
    if (!ours) {
      return;
    }
    if (!context.getAuthorizationManager().isCamundaAdmin(user)
        && groups(user).stream().noneMatch(Arrays.asList(SecurityConfig.BATCH_READERS)::contains)) {
      throw new AuthorizationException("User " + user.getUserId() + " is in none of the groups "
          + String.join(", ", SecurityConfig.BATCH_READERS) + " and cannot comment on a batch");
    }
    if (message != null && message.length() > MAX_COMMENT) {
      throw new BadUserRequestException("The comment has " + message.length() + " characters; at most " + MAX_COMMENT
          + " are kept");
    }
    List<?> kept = task != null ? context.getCommentManager().findCommentsByTaskId(taskId)
        : context.getCommentManager().findCommentsByProcessInstanceId(processInstanceId);
    if (adds && kept.size() >= MAX_COMMENTS) {
      throw new BadUserRequestException("This " + (task != null ? "task" : "instance") + " already has " + kept.size()
          + " comments; at most " + MAX_COMMENTS + " are kept");
    }
  }
}

package org.xenprovisioner.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Date;
import java.util.Map;
import org.camunda.bpm.engine.impl.cmd.AbstractAddIdentityLinkCmd;
import org.camunda.bpm.engine.impl.cmd.AddCommentCmd;
import org.camunda.bpm.engine.impl.cmd.AssignTaskCmd;
import org.camunda.bpm.engine.impl.cmd.CompleteTaskCmd;
import org.camunda.bpm.engine.impl.cmd.DelegateTaskCmd;
import org.camunda.bpm.engine.impl.cmd.SetJobRetriesCmd;
import org.camunda.bpm.engine.impl.cmd.SubmitTaskFormCmd;
import org.camunda.bpm.engine.impl.cmd.UpdateCommentCmd;
import org.junit.jupiter.api.Test;

/**
 * The guards read some arguments from the engine's command objects, where nothing else shows them
 * before the command acts; an engine upgrade that renames one of those fields fails here, not in a
 * refusal that no longer happens.
 */
class EngineCommandsTests {

  @Test
  void theCommandFieldsTheGuardsReadAreWhereTheyExpectThem() {
    Date later = new Date(4_000_000_000_000L);
    SetJobRetriesCmd retries = new SetJobRetriesCmd("job", null, 0, later, true);
    assertThat(OurProcesses.field(retries, SetJobRetriesCmd.class, "retries")).isEqualTo(0);
    assertThat(OurProcesses.field(retries, SetJobRetriesCmd.class, "dueDate")).isEqualTo(later);
    assertThat(OurProcesses.field(new AssignTaskCmd("task", "arne"), AbstractAddIdentityLinkCmd.class, "userId"))
        .isEqualTo("arne");
    assertThat(OurProcesses.field(new DelegateTaskCmd("task", "arne"), DelegateTaskCmd.class, "userId")).isEqualTo("arne");
    for (Class<?> type : new Class<?>[] {AddCommentCmd.class, UpdateCommentCmd.class}) {
      Object comment = type == AddCommentCmd.class ? new AddCommentCmd("task", "instance", "hello")
          : new UpdateCommentCmd("task", null, "comment", "hello");
      assertThat(OurProcesses.field(comment, type, "message")).isEqualTo("hello");
      assertThat(OurProcesses.field(comment, type, "taskId")).isEqualTo("task");
      assertThat(OurProcesses.field(comment, type, "processInstanceId")).isIn("instance", null);
    }
    Map<String, Object> decision = Map.of("approved", true);
    assertThat(ProcessGuard.variablesOf(new CompleteTaskCmd("task", decision))).isEqualTo(decision);
    assertThat(ProcessGuard.variablesOf(new SubmitTaskFormCmd("task", decision, false, false))).isEqualTo(decision);
  }
}

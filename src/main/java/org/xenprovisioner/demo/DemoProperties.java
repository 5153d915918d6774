package org.xenprovisioner.demo;

import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * {@code provisioner.demo.*}: what the demo profile submits, who submits and approves it (engine
 * ids: letters and digits), and how much data its base image holds: every guest's copy reads and
 * writes that much, which is what makes a batch run long enough to watch.
 */
@Validated
@ConfigurationProperties(prefix = "provisioner.demo")
record DemoProperties(
    @NotNull @DefaultValue("config/vm_list.csv") Path vmList,
    @NotNull @DefaultValue("operator") String operator,
    @NotNull @DefaultValue("approver") String approver,
    @NotNull @DefaultValue("2GB") DataSize baseData) {
}

package org.xenprovisioner;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class XenProvisionerApplication {

  public static void main(String[] args) {
    SpringApplication.run(XenProvisionerApplication.class, args);
  }
}

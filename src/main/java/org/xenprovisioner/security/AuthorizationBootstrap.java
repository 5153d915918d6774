package org.xenprovisioner.security;

import static org.camunda.bpm.engine.authorization.Authorization.ANY;
import static org.camunda.bpm.engine.authorization.Authorization.AUTH_TYPE_GRANT;
import static org.xenprovisioner.process.BatchProcess.GROUP_APPROVERS;
import static org.xenprovisioner.process.BatchProcess.GROUP_OPERATORS;
import static org.xenprovisioner.process.BatchProcess.GROUP_PROCESS_KEY;
import static org.xenprovisioner.process.BatchProcess.GUEST_PROCESS_KEY;
import static org.xenprovisioner.process.BatchProcess.PROCESS_KEY;

import java.util.List;
import org.camunda.bpm.engine.AuthorizationService;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.Permission;
import org.camunda.bpm.engine.authorization.Permissions;
import org.camunda.bpm.engine.authorization.ProcessDefinitionPermissions;
import org.camunda.bpm.engine.authorization.ProcessInstancePermissions;
import org.camunda.bpm.engine.authorization.Resource;
import org.camunda.bpm.engine.authorization.Resources;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * The grants behind {@code camunda.bpm.authorization.enabled=true}, created at start where missing
 * (an administrator may add more in the Admin webapp): operators watch batches in Cockpit and
 * retry failed steps, approvers see and work the approval task in Tasklist and watch in Cockpit,
 * {@code camunda-admin} may do everything. Nobody may start {@code provision-batch} through the
 * engine: only the batch API does, with the group {@link ProcessGuard#API_GROUP} that no user is a
 * member of; the grants earlier versions gave operators for that are taken back.
 */
@Component
class AuthorizationBootstrap implements InitializingBean {

  private final AuthorizationService authorizations;

  AuthorizationBootstrap(AuthorizationService authorizations) {
    this.authorizations = authorizations;
  }

  @Override
  public void afterPropertiesSet() {
    for (Resources resource : Resources.values()) {
      grant(UserBootstrap.ADMIN_GROUP, resource, ANY, Permissions.ALL);
    }

    grant(ProcessGuard.API_GROUP, Resources.PROCESS_DEFINITION, PROCESS_KEY, ProcessDefinitionPermissions.READ,
        ProcessDefinitionPermissions.CREATE_INSTANCE);
    grant(ProcessGuard.API_GROUP, Resources.PROCESS_INSTANCE, ANY, ProcessInstancePermissions.CREATE);

    grant(GROUP_OPERATORS, Resources.APPLICATION, "cockpit", Permissions.ACCESS);
    grant(GROUP_OPERATORS, Resources.PROCESS_DEFINITION, PROCESS_KEY, ProcessDefinitionPermissions.READ,
        ProcessDefinitionPermissions.READ_INSTANCE, ProcessDefinitionPermissions.READ_HISTORY,
        ProcessDefinitionPermissions.RETRY_JOB);
    revoke(GROUP_OPERATORS, Resources.PROCESS_DEFINITION, PROCESS_KEY, ProcessDefinitionPermissions.CREATE_INSTANCE);
    revoke(GROUP_OPERATORS, Resources.PROCESS_INSTANCE, ANY, ProcessInstancePermissions.CREATE);

    grant(GROUP_APPROVERS, Resources.APPLICATION, "tasklist", Permissions.ACCESS);
    grant(GROUP_APPROVERS, Resources.APPLICATION, "cockpit", Permissions.ACCESS);
    grant(GROUP_APPROVERS, Resources.FILTER, ANY, Permissions.READ);
    grant(GROUP_APPROVERS, Resources.PROCESS_DEFINITION, PROCESS_KEY, ProcessDefinitionPermissions.READ,
        ProcessDefinitionPermissions.READ_TASK, ProcessDefinitionPermissions.TASK_WORK,
        ProcessDefinitionPermissions.READ_INSTANCE, ProcessDefinitionPermissions.READ_HISTORY);

    // a batch's groups and guests run as instances of provision-guests and provision-guest: both groups watch
    // them, operators retry their failed jobs
    for (String key : new String[] {GROUP_PROCESS_KEY, GUEST_PROCESS_KEY}) {
      grant(GROUP_OPERATORS, Resources.PROCESS_DEFINITION, key, ProcessDefinitionPermissions.READ,
          ProcessDefinitionPermissions.READ_INSTANCE, ProcessDefinitionPermissions.READ_HISTORY,
          ProcessDefinitionPermissions.RETRY_JOB);
      grant(GROUP_APPROVERS, Resources.PROCESS_DEFINITION, key, ProcessDefinitionPermissions.READ,
          ProcessDefinitionPermissions.READ_INSTANCE, ProcessDefinitionPermissions.READ_HISTORY);
    }
  }

  /** Takes a permission back from a group's grant (earlier versions gave it). */
  private void revoke(String group, Resource resource, String resourceId, Permission permission) {
    for (Authorization authorization : grants(group, resource, resourceId)) {
      if (authorization.isPermissionGranted(permission)) {
        authorization.removePermission(permission);
        authorizations.saveAuthorization(authorization);
      }
    }
  }

  private List<Authorization> grants(String group, Resource resource, String resourceId) {
    return authorizations.createAuthorizationQuery().authorizationType(AUTH_TYPE_GRANT)
        .groupIdIn(group).resourceType(resource).resourceId(resourceId).list();
  }

  private void grant(String group, Resource resource, String resourceId, Permission... permissions) {
    Authorization authorization = grants(group, resource, resourceId).stream().findFirst().orElse(null);
    if (authorization == null) {
      authorization = authorizations.createNewAuthorization(AUTH_TYPE_GRANT);
      authorization.setGroupId(group);
      authorization.setResource(resource);
      authorization.setResourceId(resourceId);
    } else if (hasAll(authorization, permissions)) {
      return;
    }
    for (Permission permission : permissions) {
      authorization.addPermission(permission);
    }
    authorizations.saveAuthorization(authorization);
  }

  private static boolean hasAll(Authorization authorization, Permission... permissions) {
    for (Permission permission : permissions) {
      if (!authorization.isPermissionGranted(permission)) {
        return false;
      }
    }
    return true;
  }
}

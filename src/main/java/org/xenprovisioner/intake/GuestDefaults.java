package org.xenprovisioner.intake;

/** Values for rows that leave the optional columns empty ({@code provisioner.defaults.*}). */
public record GuestDefaults(String netmask, String gateway, int memory, int vcpus) {
}

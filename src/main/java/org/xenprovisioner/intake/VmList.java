package org.xenprovisioner.intake;

import java.util.List;

/** A validated VM list: its guests in list order. */
public record VmList(List<Guest> guests) {

  public VmList {
    guests = List.copyOf(guests);
  }

  public int size() {
    return guests.size();
  }

  public Guest guest(int index) {
    return guests.get(index);
  }
}

package org.xenprovisioner.batch;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * {@code GET /api/batches/{id}/audit.csv}: one line per step or undo handler a guest ran (one
 * line for a guest that ran none), with the batch and approval repeated on every line so each
 * line stands on its own in a spreadsheet. The last column, {@code engineHistory}, is {@code deleted}
 * when the engine's history of the batch is gone (the steps' lines with it; the rest is the ledger's);
 * then {@code dom0}, the guest's, and {@code waitingFor}, why a guest of a running batch waits (its Dom0 is down).
 */
final class AuditCsv {

  static final String[] HEADER = {"batch", "name", "batchState", "submittedBy", "submittedAt", "approvedBy",
      "approvedAt", "approved", "comment", "line", "hostname", "ip", "mac", "guestState", "image", "domainConfig",
      "error", "kind", "activity", "activityName", "start", "end", "durationMillis", "engineHistory", "dom0", "waitingFor"};

  private AuditCsv() {
  }

  static String of(BatchDetail batch) {
    StringWriter out = new StringWriter();
    try (CSVPrinter csv = new CSVPrinter(out, CSVFormat.RFC4180.builder().setHeader(HEADER).get())) {
      for (BatchDetail.GuestStatus guest : batch.guestList()) {
        List<Object> head = batchColumns(batch);
        head.addAll(List.of(guest.line(), text(guest.hostname()), guest.ip(), guest.mac(), guest.state(),
            text(guest.image()), text(guest.domainConfig()), text(guest.error())));
        List<Object> tail = List.of(batch.summary().engineHistory(), text(guest.dom0()),
            guest.waitingFor() == null ? "" : guest.waitingFor().message());
        if (guest.steps().isEmpty() && guest.undone().isEmpty()) {
          List<Object> row = new ArrayList<>(head);
          row.addAll(List.of("", "", "", "", "", ""));
          row.addAll(tail);
          csv.printRecord(row);
        }
        print(csv, head, "step", guest.steps(), tail);
        print(csv, head, "undo", guest.undone(), tail);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void print(CSVPrinter csv, List<Object> head, String kind, List<BatchDetail.Activity> activities,
                            List<Object> tail) throws IOException {
    for (BatchDetail.Activity activity : activities) {
      List<Object> row = new ArrayList<>(head);
      row.addAll(List.of(kind, text(activity.id()), text(activity.name()), time(activity.start()), time(activity.end()),
          activity.durationMillis() == null ? "" : activity.durationMillis()));
      row.addAll(tail);
      csv.printRecord(row);
    }
  }

  private static List<Object> batchColumns(BatchDetail batch) {
    BatchSummary summary = batch.summary();
    BatchDetail.Approval approval = batch.approval();
    return new ArrayList<>(List.of(text(summary.id()), text(summary.name()), summary.state(), text(summary.submittedBy()),
        time(summary.submittedAt()), approval == null ? "" : text(approval.by()),
        approval == null ? "" : time(approval.at()), approval == null ? "" : approval.approved(),
        approval == null ? "" : text(approval.comment())));
  }

  /**
   * A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return before one) as a
   * formula; such a cell is written with a leading apostrophe, which spreadsheets show as text.
   */
  static String text(String value) {
    if (value == null) {
      return "";
    }
    return !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
  }

  private static String time(Date date) {
    return date == null ? "" : Instant.ofEpochMilli(date.getTime()).toString();
  }
}

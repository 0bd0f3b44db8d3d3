package org.dane4j.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table: a header row and rows of cells, left-aligned columns two spaces apart. */
public final class Table {
  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private Colors colors = Colors.NONE;
  private java.util.Set<Integer> coloured = java.util.Set.of();

  /** A table with these column headers. */
  public Table(String... headers) {
    this.headers = List.of(headers);
  }

  /**
   * Colours the cells of these columns (0-based) by their first word ({@link Colors#word}); the header and
   * the alignment are unchanged.
   */
  public Table colors(Colors colors, Integer... columns) {
    this.colors = colors;
    this.coloured = java.util.Set.of(columns);
    return this;
  }

  /**
   * Adds a row (as many cells as headers; null prints as "-"), with an optional note line below it. Cells and
   * notes may hold what a server or DNS chose: their control characters are printed escaped
   * ({@link OneLineErrors#printable}), so no escape sequence reaches the terminal; a note keeps its own
   * line breaks.
   */
  public Table row(String note, String... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException("expected " + headers.size() + " cells, got " + cells.length);
    }
    List<String> row = new ArrayList<>();
    for (String c : cells) {
      row.add(c == null || c.isEmpty() ? "-" : OneLineErrors.printable(c));
    }
    rows.add(row);
    notes.add(note == null ? null : java.util.Arrays.stream(note.split("\n", -1)).map(OneLineErrors::printable)
        .collect(java.util.stream.Collectors.joining("\n"))); // the note's own line breaks stay
    return this;
  }

  /** Prints the table; notes are indented by four spaces under their row. */
  public void print(PrintWriter out) {
    int[] widths = new int[headers.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = headers.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    out.println(line(headers, widths, false));
    for (int r = 0; r < rows.size(); r++) {
      out.println(line(rows.get(r), widths, true));
      if (notes.get(r) != null && !notes.get(r).isEmpty()) {
        out.println("    " + notes.get(r));
      }
    }
  }

  private String line(List<String> cells, int[] widths, boolean paint) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String c = cells.get(i);
      s.append(paint && coloured.contains(i) ? colors.word(c) : c);
      if (i + 1 < cells.size()) {
        s.append(" ".repeat(widths[i] - c.length() + 2));
      }
    }
    return s.toString().stripTrailing();
  }
}

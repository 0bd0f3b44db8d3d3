package org.dane4j.dns;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The persistent key cache's file ({@link DaneResolver.Builder#keyCache}): the upstream's DS and DNSKEY answers
 * that {@link KeyChainPrefetch} held, in DNS wire format with the time each was received (on the resolver's
 * clock) and how long it may be kept. It is never a trust input: loaded answers go back into
 * {@link KeyChainPrefetch} and are validated by dnsjava's validator like answers from the network (RFC 4035 §5).
 *
 * <p>Layout: {@code "DANE4JKC"}, version (int), SHA-256 of the trust anchors (32 bytes; a file written under
 * other anchors is not loaded), count (int), then per answer: received at (long, epoch ms), keep for (long, s),
 * length (int) and the message; at the end a CRC-32 of all before it (truncation and garbage are detected; a
 * change that keeps the CRC is caught by validation). Limits: {@link #MAX_ENTRIES} answers and
 * {@link #MAX_BYTES} bytes, in both directions. Written to a temporary file in the same directory (owner-only on
 * POSIX) and moved over the old one atomically, so concurrent writers never leave a torn file: the last one
 * wins.
 */
final class KeyCacheFile {
  /** The most answers the file holds (as many as {@link KeyChainPrefetch} holds at once). */
  static final int MAX_ENTRIES = KeyChainPrefetch.MAX_HELD;
  /** The largest file read or written, bytes (a DNSKEY answer with its signatures is 0.5–2 KB). */
  static final int MAX_BYTES = 4 << 20;

  private static final byte[] MAGIC = "DANE4JKC".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final int VERSION = 1;
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

  /**
   * One kept answer.
   *
   * @param receivedAtMillis when it came from the upstream, on the resolver's clock (epoch ms)
   * @param keepSeconds how long it may be kept from then (its smallest TTL, at most the resolver's maxTtl)
   * @param message the upstream's response
   */
  record Entry(long receivedAtMillis, long keepSeconds, Message message) {
    /** Seconds left at {@code nowMillis}; 0 or less when expired (or received in the future). */
    long remainingSeconds(long nowMillis, Duration maxTtl) {
      long age = nowMillis - receivedAtMillis;
      if (age < 0) {
        return 0; // the clock went back, or the file is not what it claims: not used
      }
      return Math.min(keepSeconds, maxTtl.toSeconds()) - Math.floorDiv(age + 999, 1000);
    }
  }

  /** What {@link #load} found. */
  record Loaded(List<Entry> entries, boolean clean) {}

  private KeyCacheFile() {}

  /** A digest of the trust anchors, so that answers kept under other anchors are not loaded. */
  static byte[] anchorsDigest(java.util.Collection<RRset> anchors) {
    List<byte[]> records = new ArrayList<>();
    for (RRset rrset : anchors) {
      for (Record r : rrset.rrs(false)) {
        records.add(r.toWireCanonical());
      }
    }
    records.sort(Arrays::compare);
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      records.forEach(sha::update);
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The unexpired answers of {@code file}; none (and {@code clean = false} with one warning) when it cannot be
   * read, is over a limit, or is not a key cache file; none and clean when it does not exist or was written
   * under other trust anchors. Expired answers (on {@code clock}) and answers that are not a DS or DNSKEY
   * answer are left out. The TTLs of the records of each loaded answer are lowered to the seconds left.
   */
  static Loaded load(Path file, Clock clock, byte[] anchors, Duration maxTtl, Consumer<String> warn) {
    byte[] bytes;
    try {
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        warn.accept("DNSSEC key cache " + file + " not loaded: " + size + " bytes, more than MAX_BYTES ("
            + MAX_BYTES + "); it is replaced when the resolver closes");
        return new Loaded(List.of(), false);
      }
      try (InputStream in = Files.newInputStream(file)) {
        bytes = in.readNBytes(MAX_BYTES + 1);
      }
    } catch (NoSuchFileException e) {
      return new Loaded(List.of(), true);
    } catch (IOException e) {
      warn.accept("DNSSEC key cache " + file + " not loaded: cannot read it: " + e);
      return new Loaded(List.of(), false);
    }
    try {
      return parse(bytes, clock, anchors, maxTtl);
    } catch (IOException | RuntimeException e) {
      warn.accept("DNSSEC key cache " + file + " ignored: not a valid key cache file (" + e.getMessage()
          + "); it is replaced when the resolver closes");
      return new Loaded(List.of(), false);
    }
  }

  private static Loaded parse(byte[] bytes, Clock clock, byte[] anchors, Duration maxTtl) throws IOException {
    if (bytes.length > MAX_BYTES) {
      throw new IOException("more than MAX_BYTES (" + MAX_BYTES + ") bytes");
    }
    if (bytes.length < MAGIC.length + 4 + 32 + 4 + 4
        || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new IOException("no key cache header");
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 4);
    if ((int) crc.getValue() != ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt()) {
      throw new IOException("checksum mismatch: truncated or damaged");
    }
    DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes, 0, bytes.length - 4));
    in.skipNBytes(MAGIC.length);
    int version = in.readInt();
    if (version != VERSION) {
      throw new IOException("version " + version + ", expected " + VERSION);
    }
    byte[] digest = in.readNBytes(32);
    int count = in.readInt();
    if (count < 0 || count > MAX_ENTRIES) {
      throw new IOException(count + " answers, more than MAX_ENTRIES (" + MAX_ENTRIES + ")");
    }
    if (!Arrays.equals(digest, anchors)) {
      return new Loaded(List.of(), true); // kept under other trust anchors (e.g. --trust-anchor): not ours
    }
    long now = clock.millis();
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long received = in.readLong();
      long keep = in.readLong();
      int length = in.readInt();
      if (length <= 0 || length > Message.MAXLENGTH) {
        throw new IOException("answer " + (i + 1) + ": length " + length);
      }
      Message m = new Message(in.readNBytes(length));
      if (!keyAnswer(m)) {
        throw new IOException("answer " + (i + 1) + " is not a DS or DNSKEY answer");
      }
      Entry e = new Entry(received, keep, m);
      long left = e.remainingSeconds(now, maxTtl);
      if (left > 0) {
        entries.add(new Entry(received, keep, withTtlsAtMost(m, left)));
      }
    }
    if (in.available() != 0) {
      throw new IOException("trailing bytes");
    }
    return new Loaded(entries, true);
  }

  /**
   * Whether {@code m} is an answer the file may hold: a response to an IN DS or DNSKEY question, NOERROR or
   * NXDOMAIN, whose answer section holds only that name's records of that type and their RRSIGs (the
   * authority section's denial proofs stay; the validator checks them).
   */
  static boolean keyAnswer(Message m) {
    Record q = m.getQuestion();
    if (q == null || q.getDClass() != DClass.IN || (q.getType() != Type.DS && q.getType() != Type.DNSKEY)
        || (m.getRcode() != Rcode.NOERROR && m.getRcode() != Rcode.NXDOMAIN)) {
      return false;
    }
    for (Record r : m.getSection(Section.ANSWER)) {
      if (!r.getName().equals(q.getName()) || r.getRRsetType() != q.getType()) {
        return false;
      }
    }
    return true;
  }

  /** A copy of {@code m} whose records' TTLs are at most {@code seconds} (signatures cover the original TTL). */
  static Message withTtlsAtMost(Message m, long seconds) throws IOException {
    Message out = m.clone();
    for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
      List<Record> records = new ArrayList<>(m.getSection(section));
      out.removeAllRecords(section);
      for (Record r : records) {
        if (r.getType() == Type.OPT || r.getTTL() <= seconds) {
          out.addRecord(r, section);
          continue;
        }
        byte[] wire = r.toWire(section); // owner name uncompressed, type, class, TTL, rdata
        ByteBuffer.wrap(wire).putInt(r.getName().length() + 4, (int) seconds);
        out.addRecord(Record.fromWire(wire, section), section);
      }
    }
    return out;
  }

  /**
   * Writes {@code entries} (at most {@link #MAX_ENTRIES}, the longest-lived first, and no more than
   * {@link #MAX_BYTES}) to {@code file}: a temporary file in its directory, owner-only on POSIX, moved over it
   * atomically. The directory is created (owner-only) when missing. Failures are warned about, not thrown.
   */
  static void save(Path file, List<Entry> entries, byte[] anchors, Clock clock, Consumer<String> warn) {
    List<Entry> sorted = new ArrayList<>(entries);
    long now = clock.millis();
    sorted.sort(Comparator.comparingLong((Entry e) -> e.receivedAtMillis() + e.keepSeconds() * 1000 - now)
        .reversed());
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int written = 0;
    int dropped = 0;
    try {
      DataOutputStream out = new DataOutputStream(body);
      for (Entry e : sorted) {
        byte[] wire = e.message().toWire();
        if (written >= MAX_ENTRIES || body.size() + wire.length + 20 + 60 > MAX_BYTES) {
          dropped++;
          continue;
        }
        out.writeLong(e.receivedAtMillis());
        out.writeLong(e.keepSeconds());
        out.writeInt(wire.length);
        out.write(wire);
        written++;
      }
      if (dropped > 0) {
        warn.accept("DNSSEC key cache " + file + ": " + dropped + " answers left out, over MAX_ENTRIES ("
            + MAX_ENTRIES + ") or MAX_BYTES (" + MAX_BYTES + ")");
      }
      ByteArrayOutputStream all = new ByteArrayOutputStream(body.size() + 64);
      DataOutputStream head = new DataOutputStream(all);
      head.write(MAGIC);
      head.writeInt(VERSION);
      head.write(anchors);
      head.writeInt(written);
      body.writeTo(all);
      CRC32 crc = new CRC32();
      crc.update(all.toByteArray());
      head.writeInt((int) crc.getValue());
      writeAtomically(file, all.toByteArray());
    } catch (IOException | RuntimeException e) {
      warn.accept("DNSSEC key cache " + file + " not saved: " + e);
    }
  }

  private static void writeAtomically(Path file, byte[] bytes) throws IOException {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    if (!Files.isDirectory(dir)) {
      try {
        if (posix) {
          Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
        } else {
          Files.createDirectories(dir);
        }
      } catch (FileAlreadyExistsException e) {
        throw new IOException(dir + " exists and is not a directory", e);
      }
    }
    FileAttribute<?>[] attributes = posix
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)} : new FileAttribute<?>[0];
    Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp", attributes);
    try {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}

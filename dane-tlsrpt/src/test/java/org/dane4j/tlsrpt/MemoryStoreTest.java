package org.dane4j.tlsrpt;

class MemoryStoreTest extends StoreContract {
  @Override
  TlsReportStore open() {
    return new MemoryTlsReportStore();
  }
}

package org.dane4j.sts;

/** The cache contract on {@link StsPolicyCache#inMemory()}: "another cache over the same store" is the same one. */
class MemoryStsPolicyCacheContractTest extends StsPolicyCacheContract {
  private StsPolicyCache cache;

  @Override
  StsPolicyCache open() {
    cache = StsPolicyCache.inMemory();
    return cache;
  }

  @Override
  StsPolicyCache reopen() {
    return cache;
  }
}

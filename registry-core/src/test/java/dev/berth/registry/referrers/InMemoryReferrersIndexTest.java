package dev.berth.registry.referrers;

class InMemoryReferrersIndexTest extends ReferrersIndexContract {
  @Override
  protected ReferrersIndex create() {
    return new InMemoryReferrersIndex();
  }
}

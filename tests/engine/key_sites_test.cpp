// SPDX-License-Identifier: MIT
// KeySites on key tables built in memory: attaching keys, switching them
// through the INT3 protocol, out-of-line copies, refusals, trap routing.
#include "altpv/engine/key_sites.h"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "altpv/engine/planner.h"
#include "recording_live_writer.h"
#include "site_table_builder.h"

namespace altpv::testing {
namespace {

using B = SiteTableBuilder;
using Bytes = std::vector<std::uint8_t>;

const Bytes kDisabled{0xb8, 1, 0, 0, 0};  // mov $1, %eax
const Bytes kEnabled{0xb8, 2, 0, 0, 0};   // mov $2, %eax

class TestKeySites final : public KeySites {
 public:
  using KeySites::KeySites;
};

std::uintptr_t addr(const void* p) {
  return reinterpret_cast<std::uintptr_t>(p);
}

class KeyTables : public ::testing::Test {
 protected:
  // A site of `key`: disabled (the original) and enabled states.
  std::size_t add(Key& key, const Bytes& disabled = kDisabled, const Bytes& enabled = kEnabled) {
    const std::size_t index =
        builder_.add({disabled, {B::bytes(ALTPV_COND_ALWAYS, enabled)}, 0, {}});
    add_ref(addr(&builder_.record(index)), key);
    return index;
  }
  void add_ref(std::uintptr_t record, Key& key) {
    KeyRef& ref = refs_.at(nrefs_++);
    B::point(ref.site, record);
    B::point(ref.key, addr(&key));
  }
  KeySites& sites() {
    if (!sites_) {
      sites_.emplace(KeyTable{builder_.table(), refs_.data(), refs_.data() + nrefs_},
                     std::span<KeySiteSlot>(slots_), writer_);
    }
    return *sites_;
  }
  Bytes holds(std::size_t index) {
    return Bytes(builder_.text(index), builder_.text(index) + builder_.record(index).len);
  }
  std::size_t int3_writes() const {
    std::size_t n = 0;
    for (const auto& s : writer_.steps) n += !s.sync && s.bytes == Bytes{kInt3};
    return n;
  }

  B builder_;
  std::array<KeyRef, 16> refs_{};
  std::size_t nrefs_ = 0;
  std::array<KeySiteSlot, 16> slots_;
  RecordingLiveWriter writer_;
  std::optional<TestKeySites> sites_;
  Key off_;
  Key on_{true};
  // Keys must lie within rel32 of the references, as in an image: here, in
  // the fixture, not on the test's stack.
  std::array<Key, 4> spare_;
};

TEST_F(KeyTables, AttachTiesKeysAndWritesInitiallyEnabledOnesPlainly) {
  const std::size_t a = add(off_), b = add(on_);
  const AttachResult r = sites().attach();
  EXPECT_EQ(r.sites, 2u);
  EXPECT_EQ(r.enabled, 1u);
  EXPECT_EQ(r.refused, 0u);
  EXPECT_EQ(holds(a), kDisabled);
  EXPECT_EQ(holds(b), kEnabled);
  // Nothing runs the sites yet: no int3, one write and one sync.
  ASSERT_EQ(writer_.steps.size(), 2u);
  EXPECT_EQ(writer_.steps[0].bytes, kEnabled);
  EXPECT_TRUE(writer_.steps[1].sync);
}

TEST_F(KeyTables, ASwitchBeforeAttachIsKeptAndAppliedAtAttach) {
  const std::size_t a = add(off_);
  const KeySwitch early = off_.enable();
  EXPECT_TRUE(early.ok);
  EXPECT_EQ(early.written, 0u);
  EXPECT_TRUE(off_.enabled());
  EXPECT_EQ(holds(a), kDisabled);
  sites().attach();
  EXPECT_EQ(holds(a), kEnabled);
}

TEST_F(KeyTables, EnableSwitchesEverySiteOfTheKeyLiveAndNoOther) {
  const std::size_t a = add(off_), b = add(off_);
  Key& other = spare_[0];
  const std::size_t c = add(other);
  sites().attach();
  const KeySwitch r = off_.enable();
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.sites, 2u);
  EXPECT_EQ(r.written, 2u);
  EXPECT_TRUE(off_.enabled());
  EXPECT_EQ(holds(a), kEnabled);
  EXPECT_EQ(holds(b), kEnabled);
  EXPECT_EQ(holds(c), kDisabled);
  EXPECT_FALSE(other.enabled());
  EXPECT_EQ(int3_writes(), 2u);
  // Two out-of-line copies and their sync, then the protocol's three.
  EXPECT_EQ(writer_.syncs(), 4u);
  EXPECT_EQ(writer_.route_calls, 1);
}

TEST_F(KeyTables, OutOfLineCopiesHoldTheStateThenJumpBackAndAreMadeOnce) {
  const std::size_t a = add(off_);
  sites().attach();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(off_.enable().ok);
    ASSERT_TRUE(off_.disable().ok);
  }
  EXPECT_EQ(writer_.allocations, 2) << "one copy per state";
  // The enabled copy: the state, then jmp *0(%rip) to the end of the site.
  ASSERT_TRUE(off_.enable().ok);
  const std::uintptr_t site = addr(builder_.text(a));
  builder_.text(a)[0] = kInt3;  // as if a CPU trapped mid-switch
  const std::uintptr_t copy = sites().resume_address(site);
  ASSERT_NE(copy, 0u);
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(copy);
  EXPECT_EQ(Bytes(bytes, bytes + 5), kEnabled);
  EXPECT_EQ(Bytes(bytes + 5, bytes + 11), (Bytes{0xff, 0x25, 0, 0, 0, 0}));
  std::uintptr_t back = 0;
  std::memcpy(&back, bytes + 11, 8);
  EXPECT_EQ(back, site + 5);
}

TEST_F(KeyTables, SwitchingToTheCurrentStateWritesNothing) {
  add(off_);
  sites().attach();
  const KeySwitch r = off_.disable();
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.sites, 1u);
  EXPECT_EQ(r.written, 0u);
  EXPECT_TRUE(writer_.steps.empty());
  EXPECT_EQ(writer_.route_calls, 0);
}

TEST_F(KeyTables, NoTrapRoutingMeansNoSwitch) {
  const std::size_t a = add(off_);
  sites().attach();
  writer_.routes = false;
  const KeySwitch r = off_.enable();
  EXPECT_FALSE(r.ok);
  EXPECT_STREQ(r.error, "traps cannot be routed on purpose");
  EXPECT_FALSE(off_.enabled());
  EXPECT_EQ(holds(a), kDisabled);
  EXPECT_TRUE(writer_.steps.empty());
}

TEST_F(KeyTables, NoCodeMemoryMeansNoSwitch) {
  const std::size_t a = add(off_);
  sites().attach();
  writer_.no_code = true;
  const KeySwitch r = off_.enable();
  EXPECT_FALSE(r.ok);
  EXPECT_STREQ(r.error, "no code memory on purpose");
  EXPECT_EQ(holds(a), kDisabled);
  EXPECT_EQ(int3_writes(), 0u);
}

// All or nothing: one site of the key holding unknown bytes stops the switch
// before anything is written.
TEST_F(KeyTables, ASiteHoldingUnknownBytesStopsTheWholeSwitch) {
  const std::size_t a = add(off_), b = add(off_);
  sites().attach();
  builder_.text(b)[1] = 0x77;
  const KeySwitch r = off_.enable();
  EXPECT_FALSE(r.ok);
  EXPECT_STREQ(r.error, refusal_name(Refusal::UnknownBytes));
  EXPECT_EQ(holds(a), kDisabled);
  EXPECT_TRUE(writer_.steps.empty());
  EXPECT_FALSE(off_.enabled());
}

TEST_F(KeyTables, AttachRefusesRecordsThatAreNotTwoStateKeySites) {
  add(off_);
  // A reference outside the key-site table.
  Key& stray = spare_[0];
  add_ref(addr(&refs_[0]), stray);
  // Two alternatives; an enabled state shorter than the site; a site
  // claimed by two references.
  Key& two = spare_[1];
  Key& short_state = spare_[2];
  Key& twice = spare_[3];
  const std::size_t i = builder_.add(
      {kDisabled, {B::bytes(ALTPV_COND_ALWAYS, kEnabled), B::bytes(0, kEnabled)}, 0, {}});
  add_ref(addr(&builder_.record(i)), two);
  add(short_state, kDisabled, Bytes{0x90});
  const std::size_t j = add(twice);
  add_ref(addr(&builder_.record(j)), twice);
  const AttachResult r = sites().attach();
  EXPECT_EQ(r.sites, 1u);
  EXPECT_EQ(r.refused, 5u);
  // A key whose records were all refused was never tied: a switch only
  // records its state.
  const KeySwitch s = twice.enable();
  EXPECT_TRUE(s.ok);
  EXPECT_EQ(s.sites, 0u);
  EXPECT_EQ(holds(j), kDisabled);
}

TEST_F(KeyTables, ResumeAddressKnowsOnlyTheFirstBytesOfSwitchedSites) {
  const std::size_t a = add(off_);
  Key& never = spare_[0];
  const std::size_t b = add(never);
  sites().attach();
  ASSERT_TRUE(off_.enable().ok);
  builder_.text(a)[0] = kInt3;
  builder_.text(b)[0] = kInt3;
  EXPECT_NE(sites().resume_address(addr(builder_.text(a))), 0u);
  EXPECT_EQ(sites().resume_address(addr(builder_.text(a)) + 1), 0u);
  EXPECT_EQ(sites().resume_address(addr(builder_.text(b))), 0u) << "never switched: not ours";
  builder_.text(a)[0] = kEnabled[0];
  EXPECT_EQ(sites().resume_address(addr(builder_.text(a))), addr(builder_.text(a)))
      << "whole again: run it in place";
}

TEST_F(KeyTables, ManySitesGoInBatchesOfThreeSyncs) {
  std::vector<std::size_t> all;
  for (int i = 0; i < 10; ++i) all.push_back(add(off_));
  sites().attach();
  const KeySwitch r = off_.enable();
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.written, 10u);
  for (const std::size_t i : all) EXPECT_EQ(holds(i), kEnabled);
  // The copies' sync, then 3 per batch of at most 8 sites.
  EXPECT_EQ(writer_.syncs(), 1u + 3u + 3u);
}

}  // namespace
}  // namespace altpv::testing

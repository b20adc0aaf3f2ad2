// SPDX-License-Identifier: MIT
// The INT3 protocol (live_write) step by step, on sites in memory: the order
// of writes and syncs, and what a CPU arriving at a site would run after
// every single step.
#include "altpv/engine/live_patcher.h"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <vector>

#include "recording_live_writer.h"
#include "x86_decoder.h"

namespace altpv::testing {
namespace {

using Bytes = std::vector<std::uint8_t>;

// Two 5-byte sites in fake text: `mov $1, %eax` becoming `mov $2, %eax`
// (one tail byte differs), and `mov $3, %eax` becoming `add $0x110003, %eax`
// (the first byte and one tail byte differ).
struct TwoSites {
  std::array<std::uint8_t, 32> text{};
  std::array<LiveRoute, 2> routes;
  std::array<Bytes, 2> old_bytes{Bytes{0xb8, 1, 0, 0, 0}, Bytes{0xb8, 3, 0, 0, 0}};
  std::array<Bytes, 2> new_bytes{Bytes{0xb8, 2, 0, 0, 0}, Bytes{0x05, 3, 0, 0x11, 0}};
  std::array<std::uintptr_t, 2> detours{0x1000, 0x2000};  // never run here

  TwoSites() {
    text.fill(0x90);
    for (std::size_t i = 0; i < 2; ++i) {
      routes[i].site = reinterpret_cast<std::uintptr_t>(text.data() + 8 + 12 * i);
      std::memcpy(site(i), old_bytes[i].data(), 5);
    }
  }
  std::uint8_t* site(std::size_t i) { return reinterpret_cast<std::uint8_t*>(routes[i].site); }
  Bytes holds(std::size_t i) { return Bytes(site(i), site(i) + 5); }
  std::vector<LiveChange> changes() {
    std::vector<LiveChange> out;
    for (std::size_t i = 0; i < 2; ++i) {
      out.push_back(
          LiveChange{&routes[i], 5, old_bytes[i].data(), new_bytes[i].data(), detours[i]});
    }
    return out;
  }
  // What a CPU reaching site i now runs: the bytes there, or, if it traps
  // on the first byte, wherever the route sends it.
  void expect_whole_or_routed(std::size_t i, const char* when) {
    SCOPED_TRACE(when);
    if (site(i)[0] == kInt3) {
      EXPECT_EQ(live_resume_address(routes[i]), detours[i]) << "site " << i;
    } else {
      const Bytes now = holds(i);
      EXPECT_TRUE(now == old_bytes[i] || now == new_bytes[i]) << "site " << i << " holds a mix";
    }
  }
};

// Only the tail bytes that change are written.
TEST(LiveWrite, Int3ThenTailsThenFirstBytesEachFollowedByASync) {
  TwoSites s;
  RecordingLiveWriter writer;
  ASSERT_TRUE(live_write(s.changes(), writer));
  const std::uintptr_t a = s.routes[0].site, b = s.routes[1].site;
  using Step = RecordingLiveWriter::Step;
  const std::vector<Step> expected = {
      {false, a, {kInt3}}, {false, b, {kInt3}},    {true, 0, {}},
      {false, a + 1, {2}}, {false, b + 3, {0x11}}, {true, 0, {}},
      {false, a, {0xb8}},  {false, b, {0x05}},     {true, 0, {}},
  };
  ASSERT_EQ(writer.steps.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(writer.steps[i].sync, expected[i].sync) << "step " << i;
    EXPECT_EQ(writer.steps[i].address, expected[i].address) << "step " << i;
    EXPECT_EQ(writer.steps[i].bytes, expected[i].bytes) << "step " << i;
  }
  EXPECT_EQ(s.holds(0), s.new_bytes[0]);
  EXPECT_EQ(s.holds(1), s.new_bytes[1]);
}

TEST(LiveWrite, AFirstByteOnlyChangeSkipsTheTailSync) {
  TwoSites s;
  s.new_bytes = {Bytes{0x05, 1, 0, 0, 0}, Bytes{0x05, 3, 0, 0, 0}};  // first bytes only
  RecordingLiveWriter writer;
  ASSERT_TRUE(live_write(s.changes(), writer));
  EXPECT_EQ(writer.syncs(), 2u);
  EXPECT_EQ(writer.steps.size(), 6u);
}

// The invariant the protocol exists for, checked after every write and sync.
TEST(LiveWrite, AfterEveryStepASiteIsWholeOrRoutesToTheNewBytes) {
  TwoSites s;
  RecordingLiveWriter writer;
  int steps = 0;
  writer.after_step = [&] {
    ++steps;
    s.expect_whole_or_routed(0, "after a step");
    s.expect_whole_or_routed(1, "after a step");
  };
  ASSERT_TRUE(live_write(s.changes(), writer));
  EXPECT_EQ(steps, 9);
}

TEST(LiveWrite, RoutesArePublishedBeforeTheFirstInt3) {
  TwoSites s;
  RecordingLiveWriter writer;
  bool checked = false;
  writer.after_step = [&] {
    if (checked) return;
    checked = true;
    EXPECT_EQ(s.routes[0].detour.load(), s.detours[0]);
    EXPECT_EQ(s.routes[1].detour.load(), s.detours[1]);
  };
  ASSERT_TRUE(live_write(s.changes(), writer));
  EXPECT_TRUE(checked);
}

TEST(LiveWrite, AFailedInt3WriteRestoresTheFirstBytes) {
  TwoSites s;
  RecordingLiveWriter writer;
  writer.fail_write = 2;  // the int3 of site 1
  EXPECT_FALSE(live_write(s.changes(), writer));
  EXPECT_EQ(s.holds(0), s.old_bytes[0]);
  EXPECT_EQ(s.holds(1), s.old_bytes[1]);
  EXPECT_TRUE(writer.steps.back().sync);
}

// Past the first step a failure leaves int3s in place: every CPU that
// arrives is routed to the new bytes, never into a half-written site.
TEST(LiveWrite, AFailedTailWriteLeavesTheSiteRouted) {
  TwoSites s;
  RecordingLiveWriter writer;
  writer.fail_write = 3;  // site 0's tail
  EXPECT_FALSE(live_write(s.changes(), writer));
  EXPECT_EQ(s.site(0)[0], kInt3);
  EXPECT_EQ(live_resume_address(s.routes[0]), s.detours[0]);
  s.expect_whole_or_routed(0, "after the failure");
  s.expect_whole_or_routed(1, "after the failure");
}

TEST(LiveResume, NotOursUntilUsedThenDetourWhileTrappingThenTheSite) {
  std::array<std::uint8_t, 5> text{0xb8, 1, 0, 0, 0};
  LiveRoute route;
  route.site = reinterpret_cast<std::uintptr_t>(text.data());
  text[0] = kInt3;
  EXPECT_EQ(live_resume_address(route), 0u) << "a route never used is not ours";
  route.detour = 0x1234;
  EXPECT_EQ(live_resume_address(route), 0x1234u);
  text[0] = 0xb8;  // the switch finished before the trap was handled
  EXPECT_EQ(live_resume_address(route), route.site);
}

TEST(RenderDetour, ContentThenAnAbsoluteJumpBack) {
  const Bytes content{0xb8, 2, 0, 0, 0};
  const std::uintptr_t resume = 0x7f0012345678;
  std::array<std::uint8_t, kMaxDetourLength> out{};
  const std::size_t len = render_detour(content.data(), content.size(), resume, out.data());
  ASSERT_EQ(len, content.size() + kDetourJumpLength);
  EXPECT_EQ(Bytes(out.begin(), out.begin() + 5), content);
  const auto jump = decode_insn(out.data() + 5, len - 5);
  ASSERT_TRUE(jump.has_value());
  EXPECT_EQ(jump->mnemonic, "jmp");
  EXPECT_EQ(jump->length, 6u);  // jmp *0(%rip): the target is the next 8 bytes
  std::uintptr_t target = 0;
  std::memcpy(&target, out.data() + 11, 8);
  EXPECT_EQ(target, resume);
}

}  // namespace
}  // namespace altpv::testing

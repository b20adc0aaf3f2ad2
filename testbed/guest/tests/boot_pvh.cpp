// SPDX-License-Identifier: MIT
// boot.pvh: on a PVH boot, the start_info the loader passed was read as the
// loader meant it: a RAM map that holds the image and is as large as the
// host's -m (expect.ram_mib=N, which the host passes next to -m; skipped
// without it), and the command line. pvh.start_info_checks: the reader
// refuses each kind of broken block with a message that names the problem
// (runs anywhere: the blocks are built here).
#include <cstring>

#include "altpv/engine/text_buffer.h"
#include "boot.h"
#include "console.h"
#include "expect.h"
#include "test_registry.h"

extern "C" const char __text_start[], __image_end[];

namespace altpv::guest {
namespace {

constexpr std::uint64_t kMiB = 1u << 20;

std::uint64_t parse_dec(std::string_view text) {
  std::uint64_t v = 0;
  for (const char c : text) v = v * 10 + static_cast<std::uint64_t>(c - '0');
  return v;
}

void boot_pvh() {
  const PvhBoot& boot = pvh_boot();
  Line()
      .out()
      .str("boot: PVH start_info version ")
      .dec(boot.version)
      .str(", ")
      .dec(boot.memmap_entries)
      .str(" memory-map entries, ")
      .dec(boot.ram_ranges)
      .str(" RAM, ")
      .dec(boot.ram_bytes >> 10)
      .str(" KiB, cmdline \"")
      .str(boot.cmdline)
      .chr('"');
  EXPECT_TRUE(boot.version >= 1);
  EXPECT_TRUE(boot.ram_ranges >= 1);
  EXPECT_TRUE(boot.image_range_end >= reinterpret_cast<std::uintptr_t>(__image_end));
  EXPECT_EQ(cmdline().text(), boot.cmdline);
  const Cmdline::Value ram = cmdline().value("expect.ram_mib");
  if (!ram.found)
    GUEST_SKIP("the command line does not say how much RAM to expect (expect.ram_mib=N)");
  // Firmware keeps a few pages below 1 MiB out of the RAM ranges.
  const std::uint64_t want = parse_dec(ram.value) * kMiB;
  EXPECT_TRUE(boot.ram_bytes <= want);
  EXPECT_TRUE(boot.ram_bytes + kMiB > want);
}

GUEST_TEST_REQUIRES("boot.pvh", boot_pvh, PvhBoot);

// A start_info, its memory map and command line, in one place.
struct FakeBoot {
  alignas(8) PvhStartInfo info;
  PvhMemmapEntry map[2];
  char cmdline[16];
};

constinit FakeBoot fake = {};

// A good block: one RAM range over the image, a short command line.
void make_good() {
  fake = {};
  fake.info.magic = kPvhStartInfoMagic;
  fake.info.version = 1;
  fake.info.memmap_paddr = reinterpret_cast<std::uintptr_t>(fake.map);
  fake.info.memmap_entries = 2;
  fake.map[0] = {0, 0x9fc00, kPvhMemmapRam, 0};
  fake.map[1] = {0x100000, 64 * kMiB, kPvhMemmapRam, 0};
  std::memcpy(fake.cmdline, "run=x", 6);
  fake.info.cmdline_paddr = reinterpret_cast<std::uintptr_t>(fake.cmdline);
}

// Reads `address` and expects a refusal whose message contains `words`.
void expect_refused(std::uintptr_t address, std::string_view words) {
  PvhBoot boot;
  char problem[160] = {};
  const bool ok = read_pvh_start_info(address, reinterpret_cast<std::uintptr_t>(__text_start),
                                      reinterpret_cast<std::uintptr_t>(__image_end), 12, boot,
                                      problem, sizeof problem);
  EXPECT_TRUE(!ok);
  const std::string_view message(problem);
  if (message.find(words) == std::string_view::npos) {
    char buf[256];
    TextBuffer msg(buf, sizeof buf);
    msg.str("refusal \"").str(message).str("\" does not say \"").str(words).str("\"");
    record_failure(msg.view());
  }
}

void start_info_checks() {
  const auto at = reinterpret_cast<std::uintptr_t>(&fake.info);
  make_good();
  PvhBoot boot;
  char problem[160] = {};
  ASSERT_TRUE(read_pvh_start_info(at, reinterpret_cast<std::uintptr_t>(__text_start),
                                  reinterpret_cast<std::uintptr_t>(__image_end), 12, boot, problem,
                                  sizeof problem));
  EXPECT_EQ(boot.cmdline, std::string_view("run=x"));
  EXPECT_EQ(boot.ram_ranges, 2u);
  EXPECT_EQ(boot.ram_bytes, 0x9fc00u + 64 * kMiB);

  expect_refused(0, "missing");
  expect_refused(at + 4, "not 8-aligned");
  make_good();
  fake.info.magic = 0x336ec579;
  expect_refused(at, "bad magic 0x336ec579");
  make_good();
  fake.info.version = 0;
  expect_refused(at, "no memory map");
  make_good();
  fake.info.memmap_entries = kPvhMaxMemmapEntries + 1;
  expect_refused(at, "memory map of 129 entries");
  make_good();
  fake.map[1].type = 2;  // reserved: nothing holds the image
  expect_refused(at, "no RAM range");
  make_good();
  fake.info.memmap_paddr = std::uint64_t{5} << 32;
  expect_refused(at, "not below 4 GiB");
  make_good();
  std::memcpy(fake.cmdline, "0123456789abcdef", 16);  // no NUL in the 12 bytes allowed
  expect_refused(at, "has no NUL");
}

GUEST_TEST("pvh.start_info_checks", start_info_checks);

}  // namespace
}  // namespace altpv::guest

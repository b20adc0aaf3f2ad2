// SPDX-License-Identifier: MIT
// boot.report: the boot block is what the VMM promised and the command line
// reached the guest intact.
#include "boot.h"
#include "console.h"
#include "expect.h"
#include "smp.h"
#include "test_registry.h"

namespace altpv::guest {
namespace {

extern "C" const char __image_end[];  // guest.ld

void boot_report() {
  using namespace altpv::testbed;
  const BootInfo& info = boot_info();
  Line()
      .out()
      .str("boot: version ")
      .dec(info.version)
      .str(", ")
      .dec(info.vcpu_count)
      .str(" vCPUs, ")
      .dec(info.mem_size >> 20)
      .str(" MiB, cmdline \"")
      .str(cmdline().text())
      .chr('"');
  EXPECT_EQ(info.magic, kBootMagic);
  EXPECT_EQ(info.version, kBootVersion);
  EXPECT_TRUE(info.vcpu_count >= 1);
  EXPECT_TRUE(info.vcpu_count <= kMaxVcpus);
  // RAM holds at least the image, and the VMM maps it in whole MiB.
  EXPECT_TRUE(info.mem_size >= reinterpret_cast<std::uintptr_t>(__image_end));
  EXPECT_EQ(info.mem_size % (1u << 20), 0u);
  EXPECT_TRUE(info.cmdline_len < kMaxCmdline);
  // The command line ends where the block says.
  const char* text = reinterpret_cast<const char*>(info.cmdline_gpa);
  EXPECT_EQ(text[info.cmdline_len], '\0');
  EXPECT_EQ(cmdline().text().size(), info.cmdline_len);
  // And parses: a flag is a whole word, and the last key=value wins.
  const Cmdline words("run=a.b list altpv.features=-rdpid run=c.*");
  EXPECT_TRUE(words.has_flag("list"));
  EXPECT_TRUE(!words.has_flag("lis"));
  EXPECT_TRUE(!words.has_flag("run"));
  EXPECT_EQ(words.value("run").value, std::string_view("c.*"));
  EXPECT_EQ(words.value("altpv.features").value, std::string_view("-rdpid"));
  EXPECT_TRUE(!words.value("altpv").found);
}

GUEST_TEST_REQUIRES("boot.report", boot_report, Testbed);

}  // namespace
}  // namespace altpv::guest

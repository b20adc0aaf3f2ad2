// SPDX-License-Identifier: MIT
// Every image patched once, with its own site table and the process's one
// decision. Built three times: linked against the two test libraries, the
// same with -rdynamic, and loading them with dlopen (RTLD_LOCAL and
// RTLD_GLOBAL) — IMAGE_HOST_DLOPEN. Each test runs in a fresh process
// (ctest), so each dlopen really loads.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "altpv/hosted/process.h"
#include "image_sites.h"

// Three sites here, two in image_lib, one in image_ctor_lib: a count taken
// from the wrong image shows.
IMAGE_VALUE_SITE(host_value, 40, 41, 42)
IMAGE_VALUE_SITE(host_second_value, 43, 44, 45)
IMAGE_VALUE_SITE(host_third_value, 46, 47, 48)

namespace altpv::testing {
namespace {

// The libraries' functions, linked or looked up.
struct Libraries {
  unsigned (*image_lib_value)();
  std::size_t (*image_lib_site_count)();
  ImagePatch (*image_lib_patch)();
  unsigned (*image_lib_key_value)();
  bool (*image_lib_key_set)(bool);
  unsigned (*ctor_lib_value)();
  std::size_t (*ctor_lib_site_count)();
  ImagePatch (*ctor_lib_patch_in_constructor)();
  unsigned (*ctor_lib_value_in_constructor)();
};

#if IMAGE_HOST_DLOPEN
template <class F>
void look_up(void* handle, const char* name, F*& f) {
  f = reinterpret_cast<F*>(dlsym(handle, name));
  ASSERT_NE(f, nullptr) << name << ": " << dlerror();
}

void open_libraries(int mode, Libraries& libs) {
  void* lib = dlopen(ALTPV_TEST_IMAGE_LIB, mode | RTLD_NOW);
  ASSERT_NE(lib, nullptr) << dlerror();
  void* ctor_lib = dlopen(ALTPV_TEST_IMAGE_CTOR_LIB, mode | RTLD_NOW);
  ASSERT_NE(ctor_lib, nullptr) << dlerror();
  look_up(lib, "image_lib_value", libs.image_lib_value);
  look_up(lib, "image_lib_site_count", libs.image_lib_site_count);
  look_up(lib, "image_lib_patch", libs.image_lib_patch);
  look_up(lib, "image_lib_key_value", libs.image_lib_key_value);
  look_up(lib, "image_lib_key_set", libs.image_lib_key_set);
  look_up(ctor_lib, "ctor_lib_value", libs.ctor_lib_value);
  look_up(ctor_lib, "ctor_lib_site_count", libs.ctor_lib_site_count);
  look_up(ctor_lib, "ctor_lib_patch_in_constructor", libs.ctor_lib_patch_in_constructor);
  look_up(ctor_lib, "ctor_lib_value_in_constructor", libs.ctor_lib_value_in_constructor);
}

const auto kHowLoaded = ::testing::Values(RTLD_LOCAL, RTLD_GLOBAL);
#else
// Linked: the libraries were loaded (and patched) before main.
void open_libraries(int, Libraries& libs) {
  libs = {&image_lib_value,
          &image_lib_site_count,
          &image_lib_patch,
          &image_lib_key_value,
          &image_lib_key_set,
          &ctor_lib_value,
          &ctor_lib_site_count,
          &ctor_lib_patch_in_constructor,
          &ctor_lib_value_in_constructor};
}

constexpr int kLinked = -1;
const auto kHowLoaded = ::testing::Values(kLinked);
#endif

class Images : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(open_libraries(GetParam(), libs_)); }
  Libraries libs_{};
};

std::string how_loaded(const ::testing::TestParamInfo<int>& info) {
  switch (info.param) {
    case RTLD_LOCAL:
      return "DlopenLocal";
    case RTLD_GLOBAL:
      return "DlopenGlobal";
  }
  return "Linked";
}

INSTANTIATE_TEST_SUITE_P(Loaded, Images, kHowLoaded, how_loaded);

bool decided_pv() {
  const hosted::ProcessFeatures decision = hosted::process_decision();
  EXPECT_TRUE(decision.ok) << decision.error;
  return decision.features.has(Feature::Pv);
}

TEST_P(Images, EveryImageRunsTheProcessDecision) {
  const bool pv = decided_pv();
  EXPECT_EQ(host_value(), image_value(41, 42, pv));
  EXPECT_EQ(libs_.image_lib_value(), image_value(LIB_IF_PV, LIB_IF_NOT_PV, pv));
  EXPECT_EQ(libs_.ctor_lib_value(), image_value(CTOR_LIB_IF_PV, CTOR_LIB_IF_NOT_PV, pv));
}

// Each image's call patches that image: counts are its own, and all its
// sites, patched as it loaded, are unchanged.
TEST_P(Images, APatchCallCountsItsOwnImage) {
  ASSERT_EQ(image_site_count(), 3u);
  ASSERT_EQ(libs_.image_lib_site_count(), 2u);
  const hosted::PatchResult host = hosted::patch_process_at_startup();
  EXPECT_TRUE(host.ok) << host.error;
  EXPECT_EQ(host.stats.sites, 3u);
  EXPECT_EQ(host.stats.patched, 0u);
  EXPECT_EQ(host.stats.unchanged, 3u);
  for (int call = 0; call < 2; ++call) {
    const ImagePatch lib = libs_.image_lib_patch();
    EXPECT_TRUE(lib.ok);
    EXPECT_EQ(lib.sites, 2u) << "call " << call;
    EXPECT_EQ(lib.patched, 0u) << "call " << call;
    EXPECT_EQ(lib.unchanged, 2u) << "call " << call;
  }
}

TEST_P(Images, ALibraryConstructorPatchesItsLibrary) {
  const bool pv = decided_pv();
  ASSERT_EQ(libs_.ctor_lib_site_count(), 1u);
  const ImagePatch in_ctor = libs_.ctor_lib_patch_in_constructor();
  EXPECT_TRUE(in_ctor.ok);
  EXPECT_EQ(in_ctor.sites, 1u);
  EXPECT_EQ(in_ctor.unchanged, 1u);
  EXPECT_EQ(libs_.ctor_lib_value_in_constructor(),
            image_value(CTOR_LIB_IF_PV, CTOR_LIB_IF_NOT_PV, pv));
}

// A library's key switches the library's key site (registered as the
// library loaded), live.
TEST_P(Images, ALibrarysKeySwitchesItsOwnSite) {
  EXPECT_EQ(libs_.image_lib_key_value(), unsigned{LIB_KEY_DISABLED});
  ASSERT_TRUE(libs_.image_lib_key_set(true));
  EXPECT_EQ(libs_.image_lib_key_value(), unsigned{LIB_KEY_ENABLED});
  ASSERT_TRUE(libs_.image_lib_key_set(false));
  EXPECT_EQ(libs_.image_lib_key_value(), unsigned{LIB_KEY_DISABLED});
}

#if IMAGE_HOST_DLOPEN
// A library loaded later follows the decision made when the process started,
// not the environment as it is now.
TEST(LaterImages, FollowTheProcessDecision) {
  const bool pv = decided_pv();
  setenv(hosted::kFeaturesEnv, pv ? "-pv" : "+pv", 1);
  Libraries libs{};
  ASSERT_NO_FATAL_FAILURE(open_libraries(RTLD_LOCAL, libs));
  EXPECT_EQ(libs.image_lib_value(), image_value(LIB_IF_PV, LIB_IF_NOT_PV, pv));
}

// With $ALTPV_DEBUG, a library reports its decisions as it loads, by symbol.
TEST(LaterImages, ReportTheirDecisionsWhenTheyLoad) {
  setenv(hosted::kDebugEnv, "1", 1);
  char path[] = "/tmp/altpv-image-report-XXXXXX";
  const int file = mkstemp(path);
  ASSERT_GE(file, 0);
  std::fflush(stderr);
  const int saved = dup(STDERR_FILENO);
  dup2(file, STDERR_FILENO);
  Libraries libs{};
  open_libraries(RTLD_LOCAL, libs);
  std::fflush(stderr);
  dup2(saved, STDERR_FILENO);
  close(saved);
  close(file);
  std::ifstream in(path);
  std::stringstream report;
  report << in.rdbuf();
  unlink(path);
  std::printf("%s", report.str().c_str());  // the report, for the log

  const std::string text = report.str();
  const std::string lib = ALTPV_TEST_IMAGE_LIB;
  EXPECT_NE(text.find("altpv: " + lib + ": 2 sites, features "), std::string::npos) << text;
  // +0 in a plain build; an instrumented one (TSan) starts with a call.
  EXPECT_NE(text.find("<image_lib_value+0"), std::string::npos) << text;
  EXPECT_NE(text.find("<image_lib_second_value+0"), std::string::npos) << text;
  EXPECT_NE(text.find("<ctor_lib_value+0"), std::string::npos) << text;
  EXPECT_EQ(text.find("host_value"), std::string::npos) << "the executable is not loading";
}
#endif

}  // namespace
}  // namespace altpv::testing

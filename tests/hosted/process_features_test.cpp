// SPDX-License-Identifier: MIT
// hosted::process_features on a CPU feature set built by the test, so the
// results do not depend on the machine.
#include <gtest/gtest.h>

#include <string>

#include "altpv/hosted/process.h"

namespace altpv::testing {
namespace {

const FeatureSet kCpu = FeatureSet{}.set(Feature::Rdpid).set(Feature::Serialize);

TEST(ProcessFeatures, NoOverridesIsTheCpu) {
  for (const char* overrides : {static_cast<const char*>(nullptr), ""}) {
    const hosted::ProcessFeatures f = hosted::process_features(kCpu, overrides);
    ASSERT_TRUE(f.ok) << f.error;
    EXPECT_EQ(f.features, kCpu);
  }
}

TEST(ProcessFeatures, RefusesForcingAnInstructionTheCpuLacks) {
  for (const char* overrides : {"+wrmsrns", "msr_imm", "-rdpid,+rdtscp"}) {
    const hosted::ProcessFeatures f = hosted::process_features(kCpu, overrides);
    EXPECT_FALSE(f.ok) << overrides;
    const std::string name = std::string(overrides).substr(std::string(overrides).rfind('+') + 1);
    EXPECT_NE(f.error.find(name), std::string::npos) << f.error;
    EXPECT_NE(f.error.find(hosted::kFeaturesEnv), std::string::npos) << f.error;
  }
}

TEST(ProcessFeatures, AllowsForcingWhatTheCpuHas) {
  const hosted::ProcessFeatures f = hosted::process_features(kCpu, "+rdpid,serialize");
  ASSERT_TRUE(f.ok) << f.error;
  EXPECT_EQ(f.features, kCpu);
}

TEST(ProcessFeatures, AllowsClearing) {
  const hosted::ProcessFeatures f = hosted::process_features(kCpu, "-rdpid,-wrmsrns");
  ASSERT_TRUE(f.ok) << f.error;
  EXPECT_EQ(f.features, FeatureSet{}.set(Feature::Serialize));
}

TEST(ProcessFeatures, AllowsForcingPv) {
  const hosted::ProcessFeatures f = hosted::process_features(kCpu, "+pv");
  ASSERT_TRUE(f.ok) << f.error;
  EXPECT_EQ(f.features, FeatureSet{kCpu}.set(Feature::Pv));
}

TEST(ProcessFeatures, UnknownNameIsNamed) {
  const hosted::ProcessFeatures f = hosted::process_features(kCpu, "-rdpid,+frobnicate");
  EXPECT_FALSE(f.ok);
  EXPECT_NE(f.error.find("frobnicate"), std::string::npos) << f.error;
}

TEST(ProcessFeatures, EveryUnknownNameIsNamedWithTheValidOnes) {
  const hosted::ProcessFeatures f = hosted::process_features(kCpu, "foo,+rdpid,-bar");
  EXPECT_FALSE(f.ok);
  EXPECT_NE(f.error.find("ALTPV_FEATURES: unknown features 'foo', '-bar' (valid: wrmsrns, "),
            std::string::npos)
      << f.error;
  EXPECT_NE(f.error.find(", pv)"), std::string::npos) << f.error;
}

}  // namespace
}  // namespace altpv::testing

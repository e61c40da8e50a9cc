#include "core/access_policy.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "core/api_registry.hpp"

namespace es::core {
namespace {

namespace fs = std::filesystem;

TEST(AccessPolicyPath, UnderComparesWholeComponents) {
  EXPECT_TRUE(path_is_under("/var/rec/a.wav", "/var/rec"));
  EXPECT_TRUE(path_is_under("/var/rec", "/var/rec"));
  EXPECT_TRUE(path_is_under("/var/rec/a.wav", "/var/rec/"));
  EXPECT_FALSE(path_is_under("/var/recordings/a.wav", "/var/rec"));
  EXPECT_FALSE(path_is_under("/var/a.wav", "/var/rec"));
  EXPECT_FALSE(path_is_under("/etc/passwd", ""));
}

TEST(AccessPolicyPath, DotDotNeverEscapes) {
  AccessPolicy policy;
  policy.file_dirs = std::vector<std::string>{AccessPolicy::canonical_dir("/nonexistent/rec")};
  EXPECT_TRUE(policy.allows_file("/nonexistent/rec/a.wav"));
  EXPECT_TRUE(policy.allows_file("/nonexistent/rec/./x/../a.wav"));
  EXPECT_FALSE(policy.allows_file("/nonexistent/rec/../a.wav"));
  EXPECT_FALSE(policy.allows_file("/nonexistent/rec/../../etc/passwd"));
  EXPECT_FALSE(policy.allows_file(""));
}

TEST(AccessPolicyPath, SymlinkOutIsSeenThrough) {
  char pattern[] = "/tmp/es-policy-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  fs::path base = pattern;
  fs::create_directories(base / "rec");
  fs::create_directories(base / "outside");
  fs::create_directory_symlink(base / "outside", base / "rec" / "link");
  AccessPolicy policy;
  policy.file_dirs = std::vector<std::string>{AccessPolicy::canonical_dir((base / "rec").string())};
  EXPECT_TRUE(policy.allows_file((base / "rec" / "a.wav").string()));
  EXPECT_FALSE(policy.allows_file((base / "rec" / "link" / "a.wav").string()));
  EXPECT_FALSE(policy.allows_file((base / "rec" / "link" / "new" / "a.wav").string()));
  fs::remove_all(base);
}

TEST(AccessPolicyPath, NoListMeansAnywhereAndAnEmptyListNowhere) {
  AccessPolicy open;
  EXPECT_TRUE(open.allows_file("/etc/passwd"));
  AccessPolicy closed;
  closed.file_dirs.emplace();
  EXPECT_FALSE(closed.allows_file("/tmp/a.wav"));
}

TEST(AccessRules, EveryPolicyMustAllow) {
  auto a = std::make_shared<AccessPolicy>();
  a->api = std::vector<std::string>{"status", "eval"};
  auto b = std::make_shared<AccessPolicy>();
  b->api = std::vector<std::string>{"eval"};
  b->call_only = true;
  AccessRules rules(a);
  rules.add(b);
  rules.add(a);  // duplicates ignored
  EXPECT_EQ(rules.policies().size(), 2u);
  EXPECT_EQ(rules.refuses_api("eval"), nullptr);
  EXPECT_EQ(rules.refuses_api("status"), b.get());
  EXPECT_EQ(rules.refuses_application("Socket"), b.get());
  EXPECT_EQ(rules.refuses_application("playback"), nullptr);
  // set_global does what global_setvar does: it needs that command listed.
  auto listed = std::make_shared<AccessPolicy>();
  listed->api = std::vector<std::string>{"global_setvar"};
  EXPECT_TRUE(listed->allows_application("SET_GLOBAL"));
  EXPECT_FALSE(a->allows_application("set_global"));
  EXPECT_TRUE(AccessPolicy{}.allows_application("set_global"));
}

// The registry refuses at every depth: a command that runs another with its context.
TEST(AccessRules, RegistryRefusesNestedCommands) {
  ApiRegistry registry;
  registry.add(ApiCommand{.name = "secret",
                          .function = [](std::string_view, std::string& out, const ApiContext&) {
                            out += "secret\n";
                            return ApiStatus::kSuccess;
                          }});
  registry.add(ApiCommand{
      .name = "wrap",
      .function = [&registry](std::string_view arg, std::string& out, const ApiContext& context) {
        out += registry.execute(arg, "", context).output;
        return ApiStatus::kSuccess;
      }});
  auto policy = std::make_shared<AccessPolicy>();
  policy->api = std::vector<std::string>{"wrap"};
  ApiContext context;
  context.rules = AccessRules(policy);
  EXPECT_EQ(registry.execute("wrap", "secret", context).output, "-ERR permission denied\n");
  ApiResult direct = registry.execute("secret", "", context);
  EXPECT_EQ(direct.status, ApiStatus::kFailure);
  EXPECT_EQ(direct.output, "-ERR permission denied\n");
  EXPECT_EQ(registry.execute("wrap", "secret").output, "secret\n");
  EXPECT_EQ(registry.execute_console("wrap secret;;secret", context).output,
            "-ERR permission denied\n-ERR permission denied\n");
}

}  // namespace
}  // namespace es::core

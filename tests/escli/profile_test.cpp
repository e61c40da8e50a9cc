#include "apps/escli/profile.hpp"

#include <gtest/gtest.h>

#include "apps/escli/options.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

namespace es::apps::escli {
namespace {

TEST(ProfileFile, ReadsFsCliStyleSectionsWithBothAssignmentForms) {
  ProfileFile file = parse_profiles(
      "[default]\n"
      "; a comment\n"
      "host => 10.0.0.5\n"
      "port = 8022\n"
      "password => secret\n"
      "# another comment\n"
      "\n"
      "[lab]\r\n"
      "host=lab.example.org\r\n"
      "user => 1000@example.org\n"
      "loglevel => info\n"
      "quiet => yes\n");
  EXPECT_TRUE(file.warnings.empty()) << file.warnings.front();
  ASSERT_EQ(file.profiles.size(), 2u);
  const Profile& first = file.profiles[0];
  EXPECT_EQ(first.name, "default");
  EXPECT_EQ(first.host, "10.0.0.5");
  EXPECT_EQ(first.port, 8022);
  EXPECT_EQ(first.password, "secret");
  EXPECT_EQ(first.user, "");
  const Profile& lab = file.profiles[1];
  EXPECT_EQ(lab.name, "lab");
  EXPECT_EQ(lab.host, "lab.example.org");
  EXPECT_EQ(lab.port, 8021);           // untouched: the default
  EXPECT_EQ(lab.password, "ClueCon");  // untouched: the default
  EXPECT_EQ(lab.user, "1000@example.org");
  EXPECT_EQ(lab.log_level, "info");
  EXPECT_TRUE(lab.quiet);
}

TEST(ProfileFile, FunctionKeysHaveDefaultsAndCanBeRebound) {
  ProfileFile file =
      parse_profiles("[p]\nkey_F2 => show calls\nkey_f12 => uptime\nkey_toggle_F7 => /nolog\n");
  ASSERT_EQ(file.profiles.size(), 1u);
  const Profile& p = file.profiles[0];
  EXPECT_EQ(p.function_keys[0], "help");
  EXPECT_EQ(p.function_keys[1], "show calls");
  EXPECT_EQ(p.function_keys[2], "show channels");
  EXPECT_EQ(p.function_keys[6], "/log console");
  EXPECT_EQ(p.function_keys[11], "uptime");
  EXPECT_EQ(p.function_keys_toggle[6], "/nolog");
  EXPECT_TRUE(p.function_keys_toggle[0].empty());
}

TEST(ProfileFile, ColoursUuidAndTimeoutSettings) {
  ProfileFile file = parse_profiles(
      "[p]\nprompt-color => bold-blue\ninput-text-color => green\noutput-text-color => cyan\n"
      "log-uuid-short => true\ntimeout => 2500\nconnect-timeout => 700\nno-history-file => 1\n"
      "batchmode => on\nprompt-string => %s@%o:%P\njson => yes\ncolor => no\n");
  ASSERT_TRUE(file.warnings.empty()) << file.warnings.front();
  const Profile& p = file.profiles[0];
  EXPECT_EQ(p.prompt_color, "\033[1;34m");
  EXPECT_EQ(p.input_text_color, "\033[32m");
  EXPECT_EQ(p.output_text_color, "\033[36m");
  EXPECT_TRUE(p.log_uuid);
  EXPECT_EQ(p.log_uuid_length, kShortUuidLength);
  EXPECT_EQ(p.timeout.count(), 2500);
  EXPECT_EQ(p.connect_timeout.count(), 700);
  EXPECT_FALSE(p.use_history_file);
  EXPECT_TRUE(p.batch_mode);
  EXPECT_EQ(p.prompt_string, "%s@%o:%P");
  EXPECT_TRUE(p.json);
  EXPECT_FALSE(p.color);
}

TEST(ProfileFile, ProblemsBecomeWarningsWithLineNumbersAndTheRestIsUsed) {
  ProfileFile file = parse_profiles(
      "host => orphan\n"
      "[p]\n"
      "port => 70000\n"
      "colour-of-sky => blue\n"
      "prompt-color => mauve\n"
      "key_F13 => nothing\n"
      "just words\n"
      "host => kept\n"
      "__END__\n"
      "host => after the end\n");
  ASSERT_EQ(file.profiles.size(), 1u);
  EXPECT_EQ(file.profiles[0].host, "kept");
  EXPECT_EQ(file.profiles[0].port, 8021);
  ASSERT_EQ(file.warnings.size(), 6u);
  EXPECT_EQ(file.warnings[0], "1: 'host' outside any [profile] section is ignored");
  EXPECT_EQ(file.warnings[1], "3: bad port '70000'");
  EXPECT_EQ(file.warnings[2], "4: unknown setting 'colour-of-sky'");
  EXPECT_EQ(file.warnings[3], "5: unknown colour 'mauve'");
  EXPECT_EQ(file.warnings[4], "6: no function key 'key_F13' (F1..F12)");
  EXPECT_EQ(file.warnings[5], "7: expected 'key => value', got 'just words'");
}

TEST(ProfileChoice, NamedThenDefaultThenFirstThenBuiltIn) {
  ProfileFile file =
      parse_profiles("[first]\nhost => a\n[default]\nhost => b\n[other]\nhost => c\n");
  EXPECT_EQ(choose_profile(file, "other", "me").profile->host, "c");
  EXPECT_EQ(choose_profile(file, "", "me").profile->host, "b");
  ProfileChoice missing = choose_profile(file, "nope", "me");
  EXPECT_FALSE(missing.profile);
  EXPECT_EQ(missing.error, "no profile 'nope'");

  ProfileFile no_default = parse_profiles("[first]\nhost => a\n[second]\nhost => b\n");
  EXPECT_EQ(choose_profile(no_default, "", "me").profile->name, "first");

  ProfileChoice builtin = choose_profile(ProfileFile{}, "", "myhost");
  ASSERT_TRUE(builtin.profile);
  EXPECT_EQ(builtin.profile->name, "myhost");
  EXPECT_EQ(builtin.profile->host, "127.0.0.1");
  EXPECT_EQ(builtin.profile->port, 8021);
  EXPECT_EQ(builtin.profile->password, "ClueCon");
}

TEST(Truthy, FsCliWords) {
  for (const char* yes : {"yes", "ON", "true", "t", "enabled", "enable", "allow", "1", "42"}) {
    EXPECT_TRUE(truthy(yes)) << yes;
  }
  for (const char* no : {"no", "off", "false", "0", "", "maybe"}) EXPECT_FALSE(truthy(no)) << no;
}

TEST(Prompt, ExpandsFsCliEscapes) {
  PromptFacts facts{"sw1", "laptop", "sw1.example", "lab", "10.1.1.1", 8021};
  EXPECT_EQ(expand_prompt("%s|%h|%H|%p|%o|%P|100%%|%x", facts),
            "sw1|laptop|sw1.example|lab|10.1.1.1|8021|100%|");
}

// The command line over a profile file written to a temporary directory.
class CommandLine : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("escli-options-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    env_.home = dir_.string();
    env_.local_hostname = "testhost";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write_config(const std::string& text) { std::ofstream(dir_ / ".escli.conf") << text; }
  ParseOutcome parse(std::vector<const char*> args) {
    args.insert(args.begin(), "escli");
    return parse_command_line(static_cast<int>(args.size()), args.data(), env_);
  }
  std::filesystem::path dir_;
  Environment env_;
};

TEST_F(CommandLine, CommandLineOverridesTheChosenProfile) {
  write_config(
      "[default]\nhost => 10.0.0.1\npassword => fromfile\n[lab]\nhost => lab\nport => 9000\n");
  ParseOutcome outcome = parse({"-p", "typed", "-x", "status", "-x", "version", "-r", "lab"});
  ASSERT_TRUE(outcome.settings);
  const Settings& s = *outcome.settings;
  EXPECT_EQ(s.profile.name, "lab");
  EXPECT_EQ(s.profile.host, "lab");
  EXPECT_EQ(s.profile.port, 9000);
  EXPECT_EQ(s.profile.password, "typed");
  EXPECT_EQ(s.execute, (std::vector<std::string>{"status", "version"}));
  EXPECT_TRUE(s.retry);
  EXPECT_FALSE(s.reconnect);
  EXPECT_EQ(s.history_path, dir_.string() + "/.escli_history");
}

TEST_F(CommandLine, DefaultsWithoutAConfigurationFile) {
  ParseOutcome outcome = parse({"-H", "example.org", "-P", "8100", "-u", "1000@d", "--json", "-q"});
  ASSERT_TRUE(outcome.settings);
  const Settings& s = *outcome.settings;
  EXPECT_EQ(s.profile.name, "testhost");
  EXPECT_EQ(s.profile.host, "example.org");
  EXPECT_EQ(s.profile.port, 8100);
  EXPECT_EQ(s.profile.user, "1000@d");
  EXPECT_EQ(s.profile.password, "ClueCon");
  EXPECT_TRUE(s.profile.json);
  EXPECT_TRUE(s.profile.quiet);
  EXPECT_TRUE(s.warnings.empty());
}

TEST_F(CommandLine, TlsFromTheProfileOrTheCommandLine) {
  write_config(
      "[default]\nhost => 127.0.0.1\n[secure]\ntls => true\ntls-ca => /etc/ca.pem\n"
      "tls-cert => me.pem\n");
  ParseOutcome from_file = parse({"secure"});
  ASSERT_TRUE(from_file.settings);
  EXPECT_TRUE(from_file.settings->profile.tls);
  EXPECT_EQ(from_file.settings->profile.tls_ca, "/etc/ca.pem");
  EXPECT_EQ(from_file.settings->profile.tls_cert, "me.pem");
  EXPECT_EQ(from_file.settings->profile.tls_key, "");

  ParseOutcome plain = parse({});
  ASSERT_TRUE(plain.settings);
  EXPECT_FALSE(plain.settings->profile.tls);
  // --ca and --cert each imply --tls.
  ParseOutcome by_ca = parse({"--ca", "ca.pem"});
  ASSERT_TRUE(by_ca.settings);
  EXPECT_TRUE(by_ca.settings->profile.tls);
  EXPECT_EQ(by_ca.settings->profile.tls_ca, "ca.pem");
  ParseOutcome by_cert = parse({"--cert", "c.pem", "--key", "k.pem"});
  ASSERT_TRUE(by_cert.settings);
  EXPECT_TRUE(by_cert.settings->profile.tls);
  EXPECT_EQ(by_cert.settings->profile.tls_key, "k.pem");
  ParseOutcome flag = parse({"--tls"});
  ASSERT_TRUE(flag.settings);
  EXPECT_TRUE(flag.settings->profile.tls);
  EXPECT_EQ(flag.settings->profile.tls_ca, "");
}

TEST_F(CommandLine, LogLevelUndoesQuietOfTheProfile) {
  write_config("[default]\nquiet => true\n");
  ParseOutcome outcome = parse({"-l", "info", "-Q"});
  ASSERT_TRUE(outcome.settings);
  EXPECT_FALSE(outcome.settings->profile.quiet);
  EXPECT_EQ(outcome.settings->profile.log_level, "info");
  EXPECT_TRUE(outcome.settings->history_path.empty());
}

TEST_F(CommandLine, WarningsNameTheFileAndLine) {
  write_config("[default]\nbogus => 1\n");
  ParseOutcome outcome = parse({});
  ASSERT_TRUE(outcome.settings);
  ASSERT_EQ(outcome.settings->warnings.size(), 1u);
  EXPECT_EQ(outcome.settings->warnings[0], "~/.escli.conf:2: unknown setting 'bogus'");
}

TEST_F(CommandLine, UnknownProfileAndBadPortAreUsageErrors) {
  write_config("[default]\n");
  EXPECT_EQ(parse({"missing"}).exit_status, kExitUsage);
  EXPECT_FALSE(parse({"missing"}).settings);
  testing::internal::CaptureStderr();
  testing::internal::CaptureStdout();
  ParseOutcome bad_port = parse({"-P", "0"});
  testing::internal::GetCapturedStdout();
  testing::internal::GetCapturedStderr();
  EXPECT_FALSE(bad_port.settings);
  EXPECT_EQ(bad_port.exit_status, kExitUsage);
}

TEST_F(CommandLine, ExplicitConfigFileMustExist) {
  std::string path = (dir_ / "other.conf").string();
  std::ofstream(path) << "[x]\nhost => from-other\n";
  ParseOutcome outcome = parse({"-c", path.c_str()});
  ASSERT_TRUE(outcome.settings);
  EXPECT_EQ(outcome.settings->profile.host, "from-other");
  std::string absent = (dir_ / "absent.conf").string();
  testing::internal::CaptureStderr();
  EXPECT_EQ(parse({"-c", absent.c_str()}).exit_status, kExitUsage);
  EXPECT_NE(testing::internal::GetCapturedStderr().find("cannot read"), std::string::npos);
}

TEST_F(CommandLine, StrictIsOffUnlessAsked) {
  ParseOutcome plain = parse({"-x", "status"});
  ASSERT_TRUE(plain.settings);
  EXPECT_FALSE(plain.settings->strict);
  ParseOutcome strict = parse({"--strict", "-x", "status"});
  ASSERT_TRUE(strict.settings);
  EXPECT_TRUE(strict.settings->strict);
}

}  // namespace
}  // namespace es::apps::escli

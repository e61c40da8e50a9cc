#include "core/xml_config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace es::core {
namespace {

namespace fs = std::filesystem;

// A configuration tree under a fresh temporary directory, removed afterwards.
class ConfTree {
 public:
  ConfTree() {
    std::string pattern = (fs::temp_directory_path() / "es_xml_config_XXXXXX").string();
    root_ = mkdtemp(pattern.data());
  }
  ~ConfTree() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  void write(const std::string& relative, std::string_view text) const {
    fs::path path = fs::path(root_) / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }
  const std::string& dir() const { return root_; }

 private:
  std::string root_;
};

std::string attr(pugi::xml_node node, const char* path_attr) {
  return node.attribute(path_attr).value();
}

std::string setting(const XmlConfig& config, const char* conf, const char* name) {
  for (pugi::xml_node p : config.configuration(conf).child("settings").children("param")) {
    if (attr(p, "name") == name) return attr(p, "value");
  }
  return "<absent>";
}

TEST(XmlConfig, BuiltInRootIncludesVarsAutoloadAndDirectory) {
  ConfTree tree;
  tree.write("vars.xml",
             "<include>\n"
             "  <X-PRE-PROCESS cmd=\"set\" data=\"domain=example.org\"/>\n"
             "  <X-PRE-PROCESS cmd=\"set\" data=\"port  =  8022\"/>\n"
             "</include>\n");
  tree.write("autoload_configs/event_socket.conf.xml",
             "<?xml version=\"1.0\"?>\n"
             "<configuration name=\"event_socket.conf\" description=\"Socket Client\">\n"
             "  <settings>\n"
             "    <param name=\"listen-port\" value=\"$${port}\"/>\n"
             "    <param name=\"listen-ip\" value=\"$${unset_var}x\"/>\n"
             "  </settings>\n"
             "</configuration>\n");
  tree.write("directory/default.xml",
             "<include><!-- this whole line is dropped -->\n"
             "<domain name=\"$${domain}\"/>\n"
             "</include>\n");
  GlobalVars globals;
  XmlLoadResult result = XmlConfig::load_directory(tree.dir(), globals);
  ASSERT_TRUE(result) << result.error;
  EXPECT_EQ(globals.get("domain"), "example.org");
  EXPECT_EQ(globals.get("port"), "8022");
  EXPECT_EQ(std::string(result.config->root().name()), "document");
  EXPECT_EQ(setting(*result.config, "event_socket.conf", "listen-port"), "8022");
  EXPECT_EQ(setting(*result.config, "EVENT_SOCKET.CONF", "listen-ip"), "x");
  EXPECT_TRUE(result.config->domain("EXAMPLE.org"));
  EXPECT_TRUE(result.config->section("dialplan"));
  EXPECT_FALSE(result.config->configuration("acl.conf"));
  EXPECT_EQ(result.config->conf_dir(), tree.dir());
}

TEST(XmlConfig, FreeswitchXmlWinsAndGlobsAreSortedAndRelativeToTheIncludingFile) {
  ConfTree tree;
  tree.write("freeswitch.xml",
             "<?xml version=\"1.0\"?>\n"
             "<document type=\"freeswitch/xml\">\n"
             "  <X-PRE-PROCESS cmd=\"include\" data=\"vars.xml\"/>\n"
             "  <section name=\"configuration\">\n"
             "    <X-PRE-PROCESS cmd=\"include\" data=\"conf/*.xml\"/>\n"
             "  </section>\n"
             "  <section name=\"directory\">\n"
             "    <X-PRE-PROCESS cmd=\"include\" data=\"dir/*.xml\"/>\n"
             "  </section>\n"
             "</document>\n");
  tree.write("vars.xml", "<X-PRE-PROCESS cmd=\"set\" data=\"order=\"/>\n");
  tree.write("conf/b.xml",
             "<X-PRE-PROCESS cmd=\"set\" data=\"order=$${order}b\"/>\n"
             "<configuration name=\"b\"/>\n");
  tree.write("conf/a.xml",
             "<X-PRE-PROCESS cmd=\"set\" data=\"order=$${order}a\"/>\n"
             "<configuration name=\"a\"/>\n");
  // Not picked up: the built-in root would include it, freeswitch.xml does not.
  tree.write("autoload_configs/event_socket.conf.xml",
             "<configuration name=\"event_socket.conf\"/>\n");
  tree.write("dir/d.xml",
             "<domain name=\"d\"><users>\n"
             "  <X-PRE-PROCESS cmd=\"include\" data=\"d/*.xml\"/>\n"
             "</users></domain>\n");
  tree.write("dir/d/1000.xml", "<include>\n<user id=\"1000\"/>\n</include>\n");
  GlobalVars globals;
  XmlLoadResult result = XmlConfig::load_directory(tree.dir(), globals);
  ASSERT_TRUE(result) << result.error;
  EXPECT_EQ(globals.get("order").value_or(""), "ab");
  EXPECT_TRUE(result.config->configuration("a"));
  EXPECT_TRUE(result.config->configuration("b"));
  EXPECT_FALSE(result.config->configuration("event_socket.conf"));
  EXPECT_TRUE(result.config->find_user("1000", "d"));
}

TEST(XmlConfig, PreprocessorQuirksAreKept) {
  ConfTree tree;
  tree.write(
      "autoload_configs/q.conf.xml",
      "<configuration name=\"q.conf\">\n"
      "  <!-- <X-PRE-PROCESS cmd=\"set\" data=\"commented=still set\"/> -->\n"
      "  <!--#set \"hashed=yes\"-->\n"
      "  <!--#comment\n"
      "     <X-PRE-PROCESS cmd=\"set\" data=\"inside=no\"/>\n"
      "  -->\n"
      "  <X-pre-process CMD=\"SET\" DATA=\"mixed=case\"/>\n"
      "  <X-PRE-PROCESS cmd=\"set\" data=\"dollar=${other} $${mixed}\"/>\n"
      "  <settings><param name=\"p\" value=\"$${commented}|$${hashed}|$${inside}\"/></settings>\n"
      "  <lost/><X-PRE-PROCESS cmd=\"set\" data=\"eaten=line\"/><lost/>\n"
      "</configuration>\n");
  GlobalVars globals;
  XmlLoadResult result = XmlConfig::load_directory(tree.dir(), globals);
  ASSERT_TRUE(result) << result.error;
  EXPECT_EQ(globals.get("commented"), "still set");
  EXPECT_EQ(globals.get("hashed"), "yes");
  EXPECT_FALSE(globals.get("inside"));
  EXPECT_EQ(globals.get("mixed"), "case");
  // Stored values never carry a live ${...} reference.
  EXPECT_EQ(globals.get("dollar"), "%{other} case");
  EXPECT_EQ(setting(*result.config, "q.conf", "p"), "still set|yes|");
  // A line with the tag is consumed whole, other elements on it included.
  EXPECT_EQ(globals.get("eaten"), "line");
  EXPECT_FALSE(result.config->configuration("q.conf").child("lost"));
}

TEST(XmlConfig, CrlfLinesAndHashIncludes) {
  ConfTree tree;
  tree.write("freeswitch.xml",
             "<?xml version=\"1.0\"?>\r\n"
             "<document type=\"freeswitch/xml\">\r\n"
             "  <X-PRE-PROCESS cmd=\"set\" data=\"a=1\"/>\r\n"
             "  <section name=\"configuration\"><!--#include \"part.xml\"--></section>\r\n"
             "  <broken>\r\n"
             "</document>\r\n");
  tree.write("part.xml", "<configuration name=\"p\" a=\"$${a}\"/>\n");
  GlobalVars globals;
  XmlLoadResult result = XmlConfig::load_directory(tree.dir(), globals);
  ASSERT_FALSE(result);
  EXPECT_EQ(globals.get("a"), "1");  // no stray CR in the value
  EXPECT_NE(result.error.find("freeswitch.xml:6:"), std::string::npos) << result.error;

  tree.write("freeswitch.xml",
             "<document type=\"freeswitch/xml\">\r\n"
             "  <section name=\"configuration\">\r\n"
             "    <!--#include \"part.xml\"-->\r\n"
             "  </section>\r\n"
             "</document>\r\n");
  result = XmlConfig::load_directory(tree.dir(), globals);
  ASSERT_TRUE(result) << result.error;
  EXPECT_EQ(attr(result.config->configuration("p"), "a"), "1");
}

TEST(XmlConfig, EnvSetReadsTheEnvironment) {
  ConfTree tree;
  ::setenv("ES_XML_CONFIG_TEST_ENV", "from-env", 1);
  tree.write("vars.xml",
             "<X-PRE-PROCESS cmd=\"env-set\" data=\"e=$ES_XML_CONFIG_TEST_ENV\"/>\n"
             "<X-PRE-PROCESS cmd=\"env-set\" data=\"missing=$ES_XML_CONFIG_TEST_UNSET\"/>\n"
             "<X-PRE-PROCESS cmd=\"exec-set\" data=\"x=echo hi\"/>\n");
  GlobalVars globals;
  XmlLoadResult result = XmlConfig::load_directory(tree.dir(), globals);
  ASSERT_TRUE(result) << result.error;
  EXPECT_EQ(globals.get("e"), "from-env");
  EXPECT_FALSE(globals.get("missing"));
  EXPECT_FALSE(globals.get("x"));
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_NE(result.warnings[0].find("exec-set"), std::string::npos);
}

TEST(XmlConfig, SyntaxErrorNamesFileAndLine) {
  ConfTree tree;
  tree.write("autoload_configs/a_ok.conf.xml", "<configuration name=\"ok\">\n</configuration>\n");
  tree.write("autoload_configs/b_bad.conf.xml",
             "<!-- first -->\n"
             "<configuration name=\"bad\">\n"
             "  <settings>\n"
             "    <param name=\"x\" value=\"1\">\n"
             "  </settings>\n"
             "</configuration>\n");
  GlobalVars globals;
  XmlLoadResult result = XmlConfig::load_directory(tree.dir(), globals);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error.find("b_bad.conf.xml:5: XML syntax error"), std::string::npos)
      << result.error;
}

TEST(XmlConfig, MissingDirectoryOrRootFileIsAnError) {
  GlobalVars globals;
  XmlLoadResult missing = XmlConfig::load_directory("/nonexistent/es-conf", globals);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error.find("/nonexistent/es-conf"), std::string::npos);

  ConfTree tree;
  tree.write("freeswitch.xml", "");
  fs::permissions(fs::path(tree.dir()) / "freeswitch.xml", fs::perms::none);
  XmlLoadResult unreadable = XmlConfig::load_directory(tree.dir(), globals);
  if (::geteuid() != 0) {  // root reads files whatever their mode
    ASSERT_FALSE(unreadable);
    EXPECT_NE(unreadable.error.find("freeswitch.xml"), std::string::npos);
  }
}

TEST(XmlConfig, SelfIncludeStopsAtTheRecursionLimit) {
  ConfTree tree;
  tree.write("freeswitch.xml",
             "<document type=\"freeswitch/xml\">\n"
             "<X-PRE-PROCESS cmd=\"include\" data=\"loop.xml\"/>\n"
             "</document>\n");
  tree.write("loop.xml",
             "<X-PRE-PROCESS cmd=\"set\" data=\"n=$${n}x\"/>\n"
             "<X-PRE-PROCESS cmd=\"include\" data=\"loop.xml\"/>\n");
  GlobalVars globals;
  XmlLoadResult result = XmlConfig::load_directory(tree.dir(), globals);
  ASSERT_TRUE(result) << result.error;
  EXPECT_EQ(globals.get("n").value_or("").size(), 100u);
  ASSERT_FALSE(result.warnings.empty());
  EXPECT_NE(result.warnings.back().find("recursion"), std::string::npos);
}

constexpr std::string_view kDirectory =
    "<document type=\"freeswitch/xml\"><section name=\"directory\">\n"
    "<domain name=\"example.org\">\n"
    "  <params><param name=\"esl-password\" value=\"domain-pw\"/>"
    "<param name=\"dial-string\" value=\"d\"/></params>\n"
    "  <variables><variable name=\"v\" value=\"domain\"/></variables>\n"
    "  <groups>\n"
    "    <group name=\"sales\">\n"
    "      <params><param name=\"ESL-Password\" value=\"group-pw\"/></params>\n"
    "      <users><user id=\"2000\" type=\"pointer\"/></users>\n"
    "    </group>\n"
    "    <group name=\"default\">\n"
    "      <params><param name=\"esl-password\" value=\"group-pw\"/></params>\n"
    "      <users>\n"
    "        <user id=\"1000\" number-alias=\"42\">\n"
    "          <params><param name=\"esl-password\" value=\"user-pw\"/></params>\n"
    "          <variables><variable name=\"v\" value=\"user\"/></variables>\n"
    "        </user>\n"
    "        <user id=\"1001\"/>\n"
    "        <user id=\"2000\"><params><param name=\"x\" value=\"real\"/></params></user>\n"
    "      </users>\n"
    "    </group>\n"
    "  </groups>\n"
    "</domain>\n"
    "<domain name=\"flat.org\"><users><user id=\"u\"/></users></domain>\n"
    "<domain name=\"bare.org\"><user id=\"b\"/></domain>\n"
    "</section></document>\n";

TEST(XmlConfig, FindUserMergesDomainGroupAndUserParams) {
  GlobalVars globals;
  XmlLoadResult result = XmlConfig::load_text(kDirectory, "/", globals);
  ASSERT_TRUE(result) << result.error;
  const XmlConfig& config = *result.config;

  auto user = config.find_user("1000", "EXAMPLE.ORG");
  ASSERT_TRUE(user);
  EXPECT_EQ(user->id, "1000");
  EXPECT_EQ(user->domain, "example.org");
  EXPECT_EQ(user->group, "default");
  EXPECT_EQ(user->param("esl-password"), "user-pw");
  EXPECT_EQ(user->param("dial-string"), "d");
  EXPECT_EQ(user->variable("V"), "user");
  EXPECT_EQ(user->params.size(), 4u);

  auto group_only = config.find_user("1001", "example.org");
  ASSERT_TRUE(group_only);
  EXPECT_EQ(group_only->param("esl-password"), "group-pw");
  EXPECT_EQ(group_only->variable("v"), "domain");

  auto by_alias = config.find_user("42", "example.org");
  ASSERT_TRUE(by_alias);
  EXPECT_EQ(by_alias->id, "1000");

  // The first group holding a matching entry wins, even when it is only a pointer.
  auto pointer = config.find_user("2000", "example.org");
  ASSERT_TRUE(pointer);
  EXPECT_EQ(pointer->group, "sales");
  EXPECT_FALSE(pointer->param("x"));

  EXPECT_TRUE(config.find_user("u", "flat.org"));
  EXPECT_TRUE(config.find_user("b", "bare.org"));
  EXPECT_FALSE(config.find_user("9999", "example.org"));
  EXPECT_FALSE(config.find_user("1000", "other.org"));
  EXPECT_EQ(result.config->conf_dir(), "");
}

TEST(XmlConfig, EmptyConfigHasSectionsButNothingInThem) {
  auto config = XmlConfig::empty();
  EXPECT_TRUE(config->section("configuration"));
  EXPECT_FALSE(config->configuration("event_socket.conf"));
  EXPECT_FALSE(config->find_user("1000", "example.org"));
}

TEST(XmlConfigStore, ReloadSwapsOnSuccessAndKeepsTheOldOnFailure) {
  ConfTree tree;
  tree.write("autoload_configs/x.conf.xml", "<configuration name=\"x.conf\" v=\"1\"/>\n");
  GlobalVars globals;
  XmlLoadResult first = XmlConfig::load_directory(tree.dir(), globals);
  ASSERT_TRUE(first) << first.error;
  XmlConfigStore store(first.config);
  auto before = store.current();

  tree.write("autoload_configs/x.conf.xml", "<configuration name=\"x.conf\" v=\"2\"/>\n");
  XmlLoadResult second = store.reload(globals);
  ASSERT_TRUE(second) << second.error;
  EXPECT_EQ(attr(store.current()->configuration("x.conf"), "v"), "2");
  EXPECT_EQ(attr(before->configuration("x.conf"), "v"), "1");  // old snapshot still valid

  tree.write("autoload_configs/x.conf.xml", "<configuration name=\"x.conf\" v=\"3\">\n");
  XmlLoadResult broken = store.reload(globals);
  EXPECT_FALSE(broken);
  EXPECT_EQ(attr(store.current()->configuration("x.conf"), "v"), "2");
}

}  // namespace
}  // namespace es::core

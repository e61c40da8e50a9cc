#include "core/xml_config.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <ranges>
#include <system_error>

#include "protocol/ascii.hpp"

namespace es::core {
namespace {

// What FreeSWITCH's own freeswitch.xml does, for directories that only hold the parts.
constexpr std::string_view kBuiltinRoot =
    "<document type=\"freeswitch/xml\">\n"
    "  <X-PRE-PROCESS cmd=\"include\" data=\"vars.xml\"/>\n"
    "  <section name=\"configuration\" description=\"Various Configuration\">\n"
    "    <X-PRE-PROCESS cmd=\"include\" data=\"autoload_configs/*.xml\"/>\n"
    "  </section>\n"
    "  <section name=\"dialplan\" description=\"Regex/XML Dialplan\">\n"
    "    <X-PRE-PROCESS cmd=\"include\" data=\"dialplan/*.xml\"/>\n"
    "  </section>\n"
    "  <section name=\"directory\" description=\"User Directory\">\n"
    "    <X-PRE-PROCESS cmd=\"include\" data=\"directory/*.xml\"/>\n"
    "  </section>\n"
    "</document>\n";

constexpr std::string_view kEmptyRoot =
    "<document type=\"freeswitch/xml\">"
    "<section name=\"configuration\"/><section name=\"dialplan\"/><section name=\"directory\"/>"
    "</document>";

// switch_xml_find_child: the first `child` element whose `attr` equals `value`, ignoring case.
pugi::xml_node find_child(pugi::xml_node parent, const char* child, const char* attr,
                          std::string_view value) {
  for (pugi::xml_node node : parent.children(child)) {
    pugi::xml_attribute a = node.attribute(attr);
    if (a && protocol::iequals(a.value(), value)) return node;
  }
  return {};
}

// find_user_in_tag with key "id": a <user> matches when its id or number-alias equals the name,
// or (FreeSWITCH quirk, kept) when it has a type attribute other than "pointer". Note that
// pointer entries themselves do match by id.
pugi::xml_node find_user_in(pugi::xml_node tag, std::string_view user_id) {
  for (pugi::xml_node user : tag.children("user")) {
    pugi::xml_attribute id = user.attribute("id");
    if (id && protocol::iequals(id.value(), user_id)) return user;
    pugi::xml_attribute alias = user.attribute("number-alias");
    if (alias && protocol::iequals(alias.value(), user_id)) return user;
    pugi::xml_attribute type = user.attribute("type");
    if (type && !protocol::iequals(type.value(), "pointer")) return user;
  }
  return {};
}

void collect(pugi::xml_node owner, const char* container, const char* item,
             std::vector<std::pair<std::string, std::string>>& out) {
  if (!owner) return;
  for (pugi::xml_node entry : owner.child(container).children(item)) {
    out.emplace_back(entry.attribute("name").value(), entry.attribute("value").value());
  }
}

std::optional<std::string> last_named(const std::vector<std::pair<std::string, std::string>>& list,
                                      std::string_view name) {
  for (const auto& [key, value] : std::views::reverse(list)) {
    if (protocol::iequals(key, name)) return value;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> DirectoryUser::param(std::string_view name) const {
  return last_named(params, name);
}

std::optional<std::string> DirectoryUser::variable(std::string_view name) const {
  return last_named(variables, name);
}

XmlLoadResult XmlConfig::parse(PreprocessedXml&& pre, const std::string& conf_dir) {
  XmlLoadResult result;
  result.warnings = std::move(pre.warnings);
  if (!pre.error.empty()) {
    result.error = pre.error;
    return result;
  }
  auto config = std::make_shared<XmlConfig>();
  config->conf_dir_ = conf_dir;
  pugi::xml_parse_result parsed = config->doc_.load_buffer(
      pre.text.data(), pre.text.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    auto [file, line] = pre.locate(static_cast<std::size_t>(parsed.offset));
    result.error = file.empty() ? std::string("XML syntax error: ") + parsed.description()
                                : file + ":" + std::to_string(line) +
                                      ": XML syntax error: " + parsed.description();
    return result;
  }
  result.config = std::move(config);
  return result;
}

XmlLoadResult XmlConfig::load_directory(const std::string& conf_dir, GlobalVars& globals) {
  std::error_code ec;
  if (!std::filesystem::is_directory(conf_dir, ec)) {
    XmlLoadResult result;
    result.error = "configuration directory " + conf_dir + " does not exist";
    return result;
  }
  std::string root_file = conf_dir + "/freeswitch.xml";
  if (std::filesystem::exists(root_file, ec)) {
    return parse(preprocess_xml_file(conf_dir, root_file, globals), conf_dir);
  }
  return parse(
      preprocess_xml_text(conf_dir, conf_dir + "/(built-in freeswitch.xml)", kBuiltinRoot, globals),
      conf_dir);
}

XmlLoadResult XmlConfig::load_text(std::string_view text, const std::string& cwd,
                                   GlobalVars& globals) {
  return parse(preprocess_xml_text(cwd, "(text)", text, globals), std::string());
}

std::shared_ptr<const XmlConfig> XmlConfig::empty() {
  auto config = std::make_shared<XmlConfig>();
  config->doc_.load_buffer(kEmptyRoot.data(), kEmptyRoot.size());
  return config;
}

pugi::xml_node XmlConfig::section(std::string_view name) const {
  return find_child(root(), "section", "name", name);
}

pugi::xml_node XmlConfig::configuration(std::string_view name) const {
  return find_child(section("configuration"), "configuration", "name", name);
}

pugi::xml_node XmlConfig::domain(std::string_view name) const {
  return find_child(section("directory"), "domain", "name", name);
}

std::optional<DirectoryUser> XmlConfig::find_user(std::string_view user_id,
                                                  std::string_view domain_name) const {
  pugi::xml_node domain_node = domain(domain_name);
  if (!domain_node) return std::nullopt;
  pugi::xml_node user, group;
  for (pugi::xml_node candidate : domain_node.child("groups").children("group")) {
    pugi::xml_node users = candidate.child("users");
    if (!users) continue;
    user = find_user_in(users, user_id);
    if (user) {
      group = candidate;
      break;
    }
  }
  if (!user) {
    pugi::xml_node users = domain_node.child("users");
    user = find_user_in(users ? users : domain_node, user_id);
  }
  if (!user) return std::nullopt;

  DirectoryUser found;
  found.id = user.attribute("id").value();
  found.domain = domain_node.attribute("name").value();
  found.group = group.attribute("name").value();
  found.user = user;
  for (pugi::xml_node owner : {domain_node, group, user}) {
    collect(owner, "params", "param", found.params);
    collect(owner, "variables", "variable", found.variables);
  }
  return found;
}

XmlConfigStore::XmlConfigStore(std::shared_ptr<const XmlConfig> initial)
    : current_(std::move(initial)) {}

std::shared_ptr<const XmlConfig> XmlConfigStore::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

void XmlConfigStore::replace(std::shared_ptr<const XmlConfig> config) {
  std::lock_guard lock(mutex_);
  current_ = std::move(config);
}

XmlLoadResult XmlConfigStore::reload(GlobalVars& globals) {
  auto now = current();
  if (!now || now->conf_dir().empty()) {
    XmlLoadResult same;
    same.config = now;
    return same;
  }
  XmlLoadResult result = XmlConfig::load_directory(now->conf_dir(), globals);
  if (result) replace(result.config);
  return result;
}

}  // namespace es::core

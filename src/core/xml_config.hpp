// The whole XML configuration, as FreeSWITCH builds it: one pre-processed document
// <document type="freeswitch/xml"> with sections "configuration", "directory", "dialplan", ...
// Immutable once loaded, so any number of threads may read it; reloadxml builds a new one and
// swaps it in through XmlConfigStore.
#pragma once

#include <pugixml.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/global_vars.hpp"
#include "core/xml_preprocessor.hpp"

namespace es::core {

// A directory user with the <param>/<variable> entries that apply to it: the domain's, then
// its group's, then its own (FreeSWITCH reads them in that order, later ones winning).
struct DirectoryUser {
  std::string id;      // the user's id attribute
  std::string domain;  // the domain's name attribute
  std::string group;   // the group it was found in; empty when not in a group
  pugi::xml_node user;
  std::vector<std::pair<std::string, std::string>> params;
  std::vector<std::pair<std::string, std::string>> variables;

  // The value of the last param / variable of that name (case-insensitive).
  std::optional<std::string> param(std::string_view name) const;
  std::optional<std::string> variable(std::string_view name) const;
};

class XmlConfig;

struct XmlLoadResult {
  std::shared_ptr<const XmlConfig> config;  // null on failure
  std::string error;                        // e.g. "conf/x.xml:12: XML syntax error: ..."
  std::vector<std::string> warnings;        // problems that did not stop the load
  explicit operator bool() const { return config != nullptr; }
};

class XmlConfig {
 public:
  // Reads DIR/freeswitch.xml or, when there is none, includes DIR/vars.xml,
  // autoload_configs/*.xml, dialplan/*.xml and directory/*.xml into the matching sections.
  // Pre-processor variables are set in `globals`.
  static XmlLoadResult load_directory(const std::string& conf_dir, GlobalVars& globals);
  // Pre-processes and parses a root document given as text (includes resolve against cwd);
  // the result has no conf_dir and reloads as itself.
  static XmlLoadResult load_text(std::string_view text, const std::string& cwd,
                                 GlobalVars& globals);
  // A document with empty sections: the configuration when no directory is given.
  static std::shared_ptr<const XmlConfig> empty();

  const std::string& conf_dir() const { return conf_dir_; }
  pugi::xml_node root() const { return doc_.document_element(); }
  // <section name=...> (case-insensitive), or an empty node.
  pugi::xml_node section(std::string_view name) const;
  // <configuration name="event_socket.conf"> in the configuration section, or an empty node.
  pugi::xml_node configuration(std::string_view name) const;
  // <domain name=...> in the directory section, or an empty node.
  pugi::xml_node domain(std::string_view name) const;
  // The user whose id (or number-alias) is `user_id` in `domain_name`, found the way
  // switch_xml_locate_user does with key "id".
  std::optional<DirectoryUser> find_user(std::string_view user_id,
                                         std::string_view domain_name) const;

 private:
  static XmlLoadResult parse(PreprocessedXml&& pre, const std::string& conf_dir);

  pugi::xml_document doc_;
  std::string conf_dir_;
};

// Holds the current configuration; readers take a snapshot, reloads swap it atomically.
class XmlConfigStore {
 public:
  explicit XmlConfigStore(std::shared_ptr<const XmlConfig> initial = XmlConfig::empty());

  std::shared_ptr<const XmlConfig> current() const;
  void replace(std::shared_ptr<const XmlConfig> config);
  // Loads the directory of the current configuration again; on failure the current one stays.
  // A configuration without a directory reloads as itself.
  XmlLoadResult reload(GlobalVars& globals);

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const XmlConfig> current_;
};

}  // namespace es::core

// FreeSWITCH's XML printer layout (switch_xml_toxml), for trees we print without building
// one: the <event> of the XML event format and the <cdr> of mod_xml_cdr.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "protocol/escape.hpp"

namespace es::core {

// A tag opening right after another tag's '>' starts a new line, indented two spaces a level;
// a closing tag is indented only when the output so far ends with a newline.
class XmlWriter {
 public:
  explicit XmlWriter(std::string& out) : out_(out), start_(out.size()) {}

  void open(std::string_view name, int depth) {
    begin_tag(name, depth);
    out_.push_back('>');
  }
  // An opening tag with attributes (name, value pairs), values escaped as the printer does.
  template <typename Attributes>
  void open(std::string_view name, int depth, const Attributes& attributes) {
    begin_tag(name, depth);
    for (const auto& [key, value] : attributes) attribute(key, value);
    out_.push_back('>');
  }
  void close(std::string_view name, int depth) {
    if (out_.back() == '\n') indent(depth);
    out_.append("</");
    out_.append(name);
    out_.append(">\n");
  }
  // Header values arrive URL-encoded, which leaves nothing for XML escaping to change
  // (no & < > CR or bytes >= 0x80 survive URL encoding), so they are appended directly.
  void url_encoded_element(std::string_view name, std::string_view value, int depth) {
    open(name, depth);
    protocol::url_encode_append(out_, value);
    close(name, depth);
  }
  void text_element(std::string_view name, std::string_view text, int depth) {
    open(name, depth);
    protocol::xml_escape_append(out_, text);
    close(name, depth);
  }
  // An element with attributes and no content: the printer writes it as <name .../>.
  template <typename Attributes>
  void empty_element(std::string_view name, int depth, const Attributes& attributes) {
    begin_tag(name, depth);
    for (const auto& [key, value] : attributes) attribute(key, value);
    out_.append("/>\n");
  }

 private:
  void begin_tag(std::string_view name, int depth) {
    if (out_.size() > start_ && out_.back() == '>') out_.push_back('\n');
    indent(depth);
    out_.push_back('<');
    out_.append(name);
  }
  // Attribute values: also '"', LF and TAB become references.
  void attribute(std::string_view key, std::string_view value) {
    out_.push_back(' ');
    out_.append(key);
    out_.append("=\"");
    std::size_t run = 0;
    for (std::size_t i = 0; i <= value.size(); ++i) {
      const char* ref = nullptr;
      if (i < value.size()) {
        if (value[i] == '"') ref = "&quot;";
        if (value[i] == '\n') ref = "&#xA;";
        if (value[i] == '\t') ref = "&#x9;";
        if (!ref) continue;
      }
      protocol::xml_escape_append(out_, value.substr(run, i - run));
      if (ref) out_.append(ref);
      run = i + 1;
    }
    out_.push_back('"');
  }
  void indent(int depth) { out_.append(static_cast<std::size_t>(depth) * 2, ' '); }
  std::string& out_;
  std::size_t start_;
};

}  // namespace es::core

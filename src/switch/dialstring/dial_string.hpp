// Originate dial strings (docs/call-behaviour.md §8), parsed the way switch_ivr_originate does it:
//   <ent vars>... {global vars}... [leg vars]...endpoint/data , ... | ...
// The parse reproduces FreeSWITCH's pipeline step by step (the '|' split, the marking of
// commas inside [], the ',' split, then the [] blocks), so quoting behaves as it does there.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace es::sw {

// Variables of one block set, in the order they were set. Like FreeSWITCH's CHANNEL_DATA
// events, set() replaces an existing variable of the same name (case-insensitive) and moves it
// to the end; an empty value removes it.
struct VarList {
  std::vector<std::pair<std::string, std::string>> vars;

  // Case-insensitive; the last match wins.
  const std::string* find(std::string_view name) const;
  void set(std::string_view name, std::string_view value);
  bool erase(std::string_view name);
  bool empty() const { return vars.empty(); }
};

struct DialLeg {
  VarList vars;          // the [] blocks of this leg
  std::string endpoint;  // text before the first '/', as written ("null", "loopback", ...)
  std::string data;      // text after the first '/', may be empty
  std::string text;      // the leg without its [] blocks and leading spaces
  bool has_slash = false;
};

struct DialGroup {
  std::vector<DialLeg> legs;  // ',' : rung at the same time; may be empty (e.g. "a||b")
};

struct DialString {
  VarList enterprise_vars;        // <> blocks
  VarList global_vars;            // {} blocks
  std::vector<DialGroup> groups;  // '|' : tried one after another
  // Block items without '=' (dropped): usually a value whose commas split it, such as
  // {sim_dtmf=1@500,2@700}; originate logs a WARNING for each.
  std::vector<std::string> ignored;
};

struct DialStringResult {
  std::optional<DialString> dial;
  std::string error;  // set when dial is empty
};

// Fails on an empty dial string, on a block without its closing bracket, and on a dial
// string containing ":_:" (split those with split_enterprise first).
DialStringResult parse_dial_string(std::string_view text);

inline constexpr std::string_view kEnterpriseDelimiter = ":_:";

// The ":_:" enterprise split. Without the delimiter: the text itself, one part. With it: the
// leading <> blocks are parsed once (as FreeSWITCH does before splitting) and every part is
// returned as a dial string of its own, prefixed with those blocks followed by
// "<ignore_early_media=true>", which an enterprise originate forces on every part. Each part
// then runs as an independent originate. A malformed leading <> block gives the whole text
// back as one part, so that parse_dial_string reports the error.
std::vector<std::string> split_enterprise(std::string_view text);

bool is_enterprise_dial_string(std::string_view text);

// Variables a new leg's channel ends up with, as switch_ivr_originate installs them: the []
// variables first and then the <>/{} ones, so {} values win; with local_var_clobber=true in
// <>/{} the order is reversed and [] values win. One entry per name.
VarList effective_leg_vars(const DialString& d, const DialLeg& leg);

// The variable set handed to the endpoint when the leg is created (origination_uuid,
// origination_caller_id_*, ...): <>/{} merged with [] on top, so [] always wins.
VarList originate_leg_vars(const DialString& d, const DialLeg& leg);

// Destination of a new leg: the data after '/', or "service" when empty.
std::string destination_from_data(std::string_view data);

// Callee id number derived from a destination: cut at the first '@', then keep what follows
// the last '/' or ':' (switch_sanitize_number).
std::string callee_number_from_destination(std::string_view dest);

// switch_ivr_originate skips the "${" check on block values when the text contains
// "origination_nested_vars=true" (case-insensitive), wherever it appears.
bool mentions_nested_vars(std::string_view text);

}  // namespace es::sw

#include "switch/cdr_document.hpp"

#include <array>
#include <string_view>
#include <utility>
#include <vector>

#include "core/xml_writer.hpp"
#include "protocol/escape.hpp"
#include "switch/session/channel_variables.hpp"
#include "switch/session/session.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {
namespace {

using Attribute = std::pair<std::string_view, std::string_view>;

// Everything a record shows, taken once so that the document is one consistent picture.
struct Snapshot {
  std::string core_uuid;
  std::string switchname;
  ChannelState state = ChannelState::kNone;
  bool outbound = false;
  std::vector<std::pair<std::string, std::string>> variables;
  std::vector<Session::AppLogEntry> app_log;
  std::optional<Extension> extension;
  CallerProfile profile;
  std::optional<std::pair<std::string, CallerProfile>> other;
};

Snapshot take_snapshot(const Session& session) {
  Snapshot snap;
  const auto& identity = session.core().runtime().identity();
  snap.core_uuid = identity.core_uuid;
  snap.switchname = identity.switchname;
  snap.state = session.state();
  snap.outbound = session.outbound();
  snap.variables = session.variables();
  snap.app_log = session.app_log();
  snap.extension = session.extension();
  snap.profile = session.profile();
  snap.other = session.other_leg();
  return snap;
}

// The caller profile fields of a CDR, in switch_ivr_set_xml_profile_data's order.
void xml_profile(core::XmlWriter& xml, const CallerProfile& p, int depth) {
  xml.text_element("username", p.username, depth);
  xml.text_element("dialplan", p.dialplan, depth);
  xml.text_element("caller_id_name", p.caller_id_name, depth);
  xml.text_element("caller_id_number", p.caller_id_number, depth);
  xml.text_element("callee_id_name", p.callee_id_name, depth);
  xml.text_element("callee_id_number", p.callee_id_number, depth);
  xml.text_element("ani", p.ani, depth);
  xml.text_element("aniii", p.aniii, depth);
  xml.text_element("network_addr", p.network_addr, depth);
  xml.text_element("rdnis", p.rdnis, depth);
  xml.text_element("destination_number", p.destination_number, depth);
  xml.text_element("uuid", p.uuid, depth);
  xml.text_element("source", p.source, depth);
  if (!p.transfer_source.empty()) xml.text_element("transfer_source", p.transfer_source, depth);
  xml.text_element("context", p.context, depth);
  xml.text_element("chan_name", p.chan_name, depth);
  for (const auto& [name, value] : p.soft) xml.text_element(name, value, depth);
}

// The <times> children in FreeSWITCH's order, microseconds since the epoch (0: not happened).
std::array<std::pair<std::string_view, std::int64_t>, 11> time_fields(const ChannelTimes& t) {
  return {{{"created_time", t.created},
           {"profile_created_time", t.profile_created},
           {"progress_time", t.progress},
           {"progress_media_time", t.progress_media},
           {"answered_time", t.answered},
           {"bridged_time", t.bridged},
           {"last_hold_time", t.last_hold},
           {"hold_accum_time", t.hold_accum},
           {"hangup_time", t.hungup},
           {"resurrect_time", t.resurrected},
           {"transfer_time", t.transferred}}};
}

void json_member(std::string& out, bool& first, std::string_view name) {
  if (!first) out.push_back(',');
  first = false;
  protocol::json_string_append(out, name);
  out.push_back(':');
}

void json_pair(std::string& out, bool& first, std::string_view name, std::string_view value) {
  json_member(out, first, name);
  protocol::json_string_append(out, value);
}

// switch_ivr_set_json_profile_data's fields (fewer than the XML's, in another order).
void json_profile(std::string& out, const CallerProfile& p) {
  out.push_back('{');
  bool first = true;
  json_pair(out, first, "username", p.username);
  json_pair(out, first, "dialplan", p.dialplan);
  json_pair(out, first, "caller_id_name", p.caller_id_name);
  json_pair(out, first, "ani", p.ani);
  json_pair(out, first, "aniii", p.aniii);
  json_pair(out, first, "caller_id_number", p.caller_id_number);
  json_pair(out, first, "network_addr", p.network_addr);
  json_pair(out, first, "rdnis", p.rdnis);
  json_pair(out, first, "destination_number", p.destination_number);
  json_pair(out, first, "uuid", p.uuid);
  json_pair(out, first, "source", p.source);
  json_pair(out, first, "context", p.context);
  json_pair(out, first, "chan_name", p.chan_name);
  out.push_back('}');
}

}  // namespace

std::string xml_cdr(const Session& session) {
  const Snapshot snap = take_snapshot(session);
  std::string out = "<?xml version=\"1.0\"?>\n";
  core::XmlWriter xml(out);
  xml.open(
      "cdr", 0,
      std::array<Attribute, 2>{{{"core-uuid", snap.core_uuid}, {"switchname", snap.switchname}}});
  xml.open("channel_data", 1);
  xml.text_element("state", state_name(snap.state), 2);
  xml.text_element("direction", snap.outbound ? "outbound" : "inbound", 2);
  xml.text_element("state_number", std::to_string(static_cast<int>(snap.state)), 2);
  xml.close("channel_data", 1);
  // No RTP statistics here (no media stream with counters): the element stays empty, as
  // FreeSWITCH leaves it for a channel without RTP.
  xml.text_element("call-stats", "", 1);
  xml.open("variables", 1);
  for (const auto& [name, value] : snap.variables) {
    for (const std::string& element : array_elements(value)) {
      xml.url_encoded_element(name, element, 2);
    }
  }
  xml.close("variables", 1);
  if (!snap.app_log.empty()) {
    xml.open("app_log", 1);
    for (const auto& entry : snap.app_log) {
      std::string stamp = std::to_string(entry.stamp_us);
      xml.empty_element(
          "application", 2,
          std::array<Attribute, 3>{
              {{"app_name", entry.app}, {"app_data", entry.arg}, {"app_stamp", stamp}}});
    }
    xml.close("app_log", 1);
  }
  const CallerProfile& p = snap.profile;
  std::string index = std::to_string(p.profile_index);
  std::vector<Attribute> flow;
  if (!p.dialplan.empty()) flow.emplace_back("dialplan", p.dialplan);
  if (!p.uuid.empty()) flow.emplace_back("unique-id", p.uuid);
  flow.emplace_back("profile_index", index);
  xml.open("callflow", 1, flow);
  if (snap.extension) {
    xml.open("extension", 2,
             std::array<Attribute, 2>{
                 {{"name", snap.extension->name}, {"number", snap.extension->number}}});
    for (const auto& action : snap.extension->actions) {
      xml.empty_element(
          "application", 3,
          std::array<Attribute, 2>{{{"app_name", action.application}, {"app_data", action.data}}});
    }
    xml.close("extension", 2);
  }
  xml.open("caller_profile", 2);
  xml_profile(xml, p, 3);
  if (snap.other) {
    const std::string& type = snap.other->first;  // originator or originatee
    xml.open(type, 3);
    xml.open(type + "_caller_profile", 4);
    xml_profile(xml, snap.other->second, 5);
    xml.close(type + "_caller_profile", 4);
    xml.close(type, 3);
  }
  xml.close("caller_profile", 2);
  xml.open("times", 2);
  for (const auto& [name, value] : time_fields(p.times)) {
    xml.text_element(name, std::to_string(value), 3);
  }
  xml.close("times", 2);
  xml.close("callflow", 1);
  xml.close("cdr", 0);
  return out;
}

std::string json_cdr(const Session& session, bool url_encode_values) {
  const Snapshot snap = take_snapshot(session);
  std::string out = "{";
  bool first = true;
  json_pair(out, first, "core-uuid", snap.core_uuid);
  json_pair(out, first, "switchname", snap.switchname);
  json_member(out, first, "channel_data");
  {
    out.push_back('{');
    bool f = true;
    json_pair(out, f, "state", state_name(snap.state));
    json_pair(out, f, "direction", snap.outbound ? "outbound" : "inbound");
    json_pair(out, f, "state_number", std::to_string(static_cast<int>(snap.state)));
    out.push_back('}');
  }
  json_member(out, first, "callStats");
  out.append("{}");
  json_member(out, first, "variables");
  {
    out.push_back('{');
    bool f = true;
    // One member per variable (an array's string form as is), empty values left out.
    for (const auto& [name, value] : snap.variables) {
      if (name.empty() || value.empty()) continue;
      json_pair(out, f, name, url_encode_values ? protocol::url_encode(value) : value);
    }
    out.push_back('}');
  }
  if (!snap.app_log.empty()) {
    json_member(out, first, "app_log");
    out.append("{\"applications\":[");
    for (std::size_t i = 0; i < snap.app_log.size(); ++i) {
      if (i) out.push_back(',');
      out.push_back('{');
      bool f = true;
      json_pair(out, f, "app_name", snap.app_log[i].app);
      json_pair(out, f, "app_data", snap.app_log[i].arg);
      json_pair(out, f, "app_stamp", std::to_string(snap.app_log[i].stamp_us));
      out.push_back('}');
    }
    out.append("]}");
  }
  const CallerProfile& p = snap.profile;
  json_member(out, first, "callflow");
  out.append("[{");
  bool f = true;
  if (!p.dialplan.empty()) json_pair(out, f, "dialplan", p.dialplan);
  json_pair(out, f, "profile_index", std::to_string(p.profile_index));
  if (snap.extension) {
    json_member(out, f, "extension");
    out.push_back('{');
    bool e = true;
    json_pair(out, e, "name", snap.extension->name);
    json_pair(out, e, "number", snap.extension->number);
    json_member(out, e, "applications");
    out.push_back('[');
    for (std::size_t i = 0; i < snap.extension->actions.size(); ++i) {
      if (i) out.push_back(',');
      out.push_back('{');
      bool a = true;
      json_pair(out, a, "app_name", snap.extension->actions[i].application);
      json_pair(out, a, "app_data", snap.extension->actions[i].data);
      out.push_back('}');
    }
    out.append("]}");
  }
  json_member(out, f, "caller_profile");
  {
    std::string own;
    json_profile(own, p);
    if (snap.other) {
      own.pop_back();  // reopen the object for the other leg's member
      const std::string& type = snap.other->first;
      own.push_back(',');
      protocol::json_string_append(own, type);
      own.append(":{");
      protocol::json_string_append(own, type + "_caller_profiles");
      own.append(":[");
      json_profile(own, snap.other->second);
      own.append("]}}");
    }
    out.append(own);
  }
  json_member(out, f, "times");
  out.push_back('{');
  bool t = true;
  for (const auto& [name, value] : time_fields(p.times))
    json_pair(out, t, name, std::to_string(value));
  out.append("}}]}");
  return out;
}

}  // namespace es::sw

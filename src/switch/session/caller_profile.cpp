#include "switch/session/caller_profile.hpp"

#include <fmt/format.h>

#include "core/event.hpp"

namespace es::sw {
namespace {

const char* tf(bool b) {
  return b ? "true" : "false";
}

}  // namespace

CallerProfile CallerProfile::make(std::string_view caller_id_name,
                                  std::string_view caller_id_number, std::string_view destination,
                                  std::string_view context, std::string_view dialplan,
                                  std::string_view source) {
  CallerProfile p;
  p.caller_id_name = std::string(caller_id_name);
  p.caller_id_number = caller_id_number.empty() ? "0000000000" : std::string(caller_id_number);
  p.orig_caller_id_name = p.caller_id_name;
  p.orig_caller_id_number = p.caller_id_number;
  p.ani = p.caller_id_number;
  p.destination_number = std::string(destination);
  p.context = context.empty() ? "default" : std::string(context);
  p.dialplan = std::string(dialplan);
  p.source = std::string(source);
  return p;
}

std::optional<std::string> CallerProfile::field(std::string_view name) const {
  using core::header_name_equals;
  auto is = [&](std::string_view n) { return header_name_equals(name, n); };
  if (is("dialplan")) return dialplan;
  if (is("username")) return username;
  if (is("caller_id_name")) return caller_id_name;
  if (is("caller_id_number")) return caller_id_number;
  if (is("orig_caller_id_name")) return orig_caller_id_name;
  if (is("orig_caller_id_number")) return orig_caller_id_number;
  if (is("callee_id_name")) return callee_id_name;
  if (is("callee_id_number")) return callee_id_number;
  if (is("ani")) return ani;
  if (is("aniii")) return aniii;
  if (is("network_addr")) return network_addr;
  if (is("rdnis")) return rdnis;
  if (is("destination_number")) return destination_number;
  if (is("uuid")) return uuid;
  if (is("source")) return source;
  if (is("transfer_source")) return transfer_source;
  if (is("context")) return context;
  if (is("chan_name")) return chan_name;
  if (is("profile_index")) return std::to_string(profile_index);
  if (is("caller_ton") || is("caller_numplan") || is("destination_number_ton") ||
      is("destination_number_numplan") || is("ani_ton") || is("ani_numplan") || is("rdnis_ton") ||
      is("rdnis_numplan"))
    return std::string("0");
  if (is("screen_bit")) return std::string(tf(screen_bit));
  if (is("privacy_hide_name")) return std::string(tf(privacy_hide_name));
  if (is("privacy_hide_number")) return std::string(tf(privacy_hide_number));
  if (is("profile_created_time")) return std::to_string(times.profile_created);
  if (is("created_time")) return std::to_string(times.created);
  if (is("answered_time")) return std::to_string(times.answered);
  if (is("progress_time")) return std::to_string(times.progress);
  if (is("progress_media_time")) return std::to_string(times.progress_media);
  if (is("hungup_time")) return std::to_string(times.hungup);
  if (is("transferred_time")) return std::to_string(times.transferred);
  return std::nullopt;
}

bool CallerProfile::set_field(std::string_view name, std::string_view value) {
  using core::header_name_equals;
  std::string* target = nullptr;
  auto is = [&](std::string_view n) { return header_name_equals(name, n); };
  if (is("dialplan"))
    target = &dialplan;
  else if (is("username"))
    target = &username;
  else if (is("caller_id_name"))
    target = &caller_id_name;
  else if (is("caller_id_number"))
    target = &caller_id_number;
  else if (is("callee_id_name"))
    target = &callee_id_name;
  else if (is("callee_id_number"))
    target = &callee_id_number;
  else if (is("ani"))
    target = &ani;
  else if (is("aniii"))
    target = &aniii;
  else if (is("network_addr"))
    target = &network_addr;
  else if (is("rdnis"))
    target = &rdnis;
  else if (is("destination_number"))
    target = &destination_number;
  else if (is("source"))
    target = &source;
  else if (is("context"))
    target = &context;
  else if (is("chan_name"))
    target = &chan_name;
  if (!target) return false;
  *target = std::string(value);
  return true;
}

void CallerProfile::add_event_headers(std::string_view prefix, core::Event& event) const {
  std::string name;
  auto add = [&](std::string_view suffix, std::string_view value) {
    if (value.empty()) return;
    name.assign(prefix);
    name += '-';
    name += suffix;
    event.add_header(name, value);
  };
  add("Direction", inbound ? "inbound" : "outbound");
  add("Logical-Direction", logical_inbound ? "inbound" : "outbound");
  add("Username", username);
  add("Dialplan", dialplan);
  add("Caller-ID-Name", caller_id_name);
  add("Caller-ID-Number", caller_id_number);
  if (!caller_id_name.empty()) add("Orig-Caller-ID-Name", orig_caller_id_name);
  if (!caller_id_number.empty()) add("Orig-Caller-ID-Number", orig_caller_id_number);
  add("Callee-ID-Name", callee_id_name);
  add("Callee-ID-Number", callee_id_number);
  add("Network-Addr", network_addr);
  add("ANI", ani);
  add("ANI-II", aniii);
  add("Destination-Number", destination_number);
  add("Unique-ID", uuid);
  add("Source", source);
  add("Transfer-Source", transfer_source);
  add("Context", context);
  add("RDNIS", rdnis);
  add("Channel-Name", chan_name);
  add("Profile-Index", std::to_string(profile_index));
  for (const auto& [var, value] : soft) add(var, value);
  add("Profile-Created-Time", std::to_string(times.profile_created));
  add("Channel-Created-Time", std::to_string(times.created));
  add("Channel-Answered-Time", std::to_string(times.answered));
  add("Channel-Progress-Time", std::to_string(times.progress));
  add("Channel-Progress-Media-Time", std::to_string(times.progress_media));
  add("Channel-Hangup-Time", std::to_string(times.hungup));
  add("Channel-Transfer-Time", std::to_string(times.transferred));
  add("Channel-Resurrect-Time", std::to_string(times.resurrected));
  add("Channel-Bridged-Time", std::to_string(times.bridged));
  add("Channel-Last-Hold", std::to_string(times.last_hold));
  add("Channel-Hold-Accum", std::to_string(times.hold_accum));
  add("Screen-Bit", tf(screen_bit));
  add("Privacy-Hide-Name", tf(privacy_hide_name));
  add("Privacy-Hide-Number", tf(privacy_hide_number));
}

}  // namespace es::sw

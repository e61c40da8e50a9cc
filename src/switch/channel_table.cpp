#include "switch/channel_table.hpp"

#include <algorithm>
#include <map>

#include "core/switch_identity.hpp"
#include "switch/switch_core.hpp"

namespace es::sw {
namespace {

// One channel as FreeSWITCH's channels table holds it (core_db's channels columns).
struct ChannelRow {
  SessionPtr session;
  std::string uuid, direction, created, created_epoch, name, state, cid_name, cid_num, ip_addr,
      dest, application, application_data, dialplan, context, presence_id, presence_data,
      accountcode, callstate, callee_name, callee_num, callee_direction, call_uuid,
      sent_callee_name, sent_callee_num, initial_cid_name, initial_cid_num, initial_ip_addr,
      initial_dest, initial_dialplan, initial_context, hostname;
  bool bridged = false;
};

ChannelRow make_row(const SwitchCore& core, const SessionPtr& s) {
  ChannelRow r;
  r.session = s;
  CallerProfile p = s->profile();
  auto var = [&](std::string_view n) { return s->variable(n).value_or(""); };
  r.uuid = s->uuid();
  r.direction = std::string(s->direction_name());
  r.created = core::format_local_date(p.times.created);
  r.created_epoch = std::to_string(p.times.created / 1000000);
  r.name = s->name();
  r.state = std::string(state_name(s->state()));
  r.cid_name = p.caller_id_name;
  r.cid_num = p.caller_id_number;
  r.ip_addr = p.network_addr;
  r.dest = p.destination_number;
  r.application = var("current_application");
  r.application_data = var("current_application_data");
  r.dialplan = p.dialplan;
  r.context = p.context;
  r.presence_id = var("presence_id");
  r.presence_data = var("presence_data");
  r.accountcode = var("accountcode");
  r.callstate = std::string(call_state_name(s->call_state()));
  r.callee_name = p.callee_id_name;
  r.callee_num = p.callee_id_number;
  r.call_uuid = var("call_uuid");
  r.initial_cid_name = p.orig_caller_id_name;
  r.initial_cid_num = p.orig_caller_id_number;
  r.initial_ip_addr = p.network_addr;
  r.initial_dest = p.destination_number;
  r.initial_dialplan = p.dialplan;
  r.initial_context = p.context;
  r.hostname = core.runtime().identity().hostname;
  r.bridged = !s->partner_uuid().empty();
  return r;
}

std::vector<std::string> channel_columns_of(const ChannelRow& r, bool with_initial) {
  std::vector<std::string> out = {r.uuid,
                                  r.direction,
                                  r.created,
                                  r.created_epoch,
                                  r.name,
                                  r.state,
                                  r.cid_name,
                                  r.cid_num,
                                  r.ip_addr,
                                  r.dest,
                                  r.application,
                                  r.application_data,
                                  r.dialplan,
                                  r.context,
                                  "L16",
                                  "8000",
                                  "128000",
                                  "L16",
                                  "8000",
                                  "128000",
                                  "",
                                  r.hostname,
                                  r.presence_id,
                                  r.presence_data,
                                  r.accountcode,
                                  r.callstate,
                                  r.callee_name,
                                  r.callee_num,
                                  r.callee_direction,
                                  r.call_uuid,
                                  r.sent_callee_name,
                                  r.sent_callee_num};
  if (with_initial) {
    for (const auto* v : {&r.initial_cid_name, &r.initial_cid_num, &r.initial_ip_addr,
                          &r.initial_dest, &r.initial_dialplan, &r.initial_context})
      out.push_back(*v);
  }
  return out;
}

// The call columns of one leg (uuid ... sent_callee_num); `b` drops call_uuid and hostname.
std::vector<std::string> call_leg_columns(const ChannelRow* r, bool b) {
  static const ChannelRow kEmpty;
  const ChannelRow& x = r ? *r : kEmpty;
  std::vector<std::string> out = {
      x.uuid,        x.direction,       x.created,     x.created_epoch, x.name,
      x.state,       x.cid_name,        x.cid_num,     x.ip_addr,       x.dest,
      x.presence_id, x.presence_data,   x.accountcode, x.callstate,     x.callee_name,
      x.callee_num,  x.callee_direction};
  if (!b) {
    out.push_back(x.call_uuid);
    out.push_back(x.hostname);
  }
  out.push_back(x.sent_callee_name);
  out.push_back(x.sent_callee_num);
  return out;
}

}  // namespace

std::vector<std::vector<std::string>> build_channel_rows(const SwitchCore& core,
                                                         std::string_view subject) {
  std::vector<ChannelRow> rows;
  for (const auto& s : core.sessions()) {
    if (s->state() >= ChannelState::kDestroy) continue;
    rows.push_back(make_row(core, s));
  }
  // FreeSWITCH's tables list channels in creation order.
  std::sort(rows.begin(), rows.end(), [](const ChannelRow& a, const ChannelRow& b) {
    return a.session->session_id() < b.session->session_id();
  });
  std::vector<std::vector<std::string>> out;
  if (subject == "channels") {
    for (const auto& r : rows) out.push_back(channel_columns_of(r, true));
    return out;
  }
  bool detailed = subject == "detailed_calls" || subject == "detailed_bridged_calls";
  bool only_bridged = subject == "bridged_calls" || subject == "detailed_bridged_calls";
  if (subject != "calls" && !detailed && !only_bridged) return out;
  std::map<std::string, const ChannelRow*> by_uuid;
  for (const auto& r : rows) by_uuid[r.uuid] = &r;
  for (const auto& a : rows) {
    // A call is led by a channel whose call_uuid is its own; its B-leg names it in call_uuid.
    if (!a.call_uuid.empty() && a.call_uuid != a.uuid) continue;
    const ChannelRow* b = nullptr;
    for (const auto& candidate : rows) {
      if (&candidate != &a && candidate.call_uuid == a.uuid) {
        b = &candidate;
        break;
      }
    }
    if (only_bridged && !b) continue;
    std::vector<std::string> row;
    if (detailed) {
      row = channel_columns_of(a, false);
      auto bcols = b ? channel_columns_of(*b, false) : std::vector<std::string>(32);
      row.insert(row.end(), bcols.begin(), bcols.end());
    } else {
      row = call_leg_columns(&a, false);
      auto bcols = call_leg_columns(b, true);
      row.insert(row.end(), bcols.begin(), bcols.end());
    }
    row.push_back(a.created_epoch);
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace es::sw

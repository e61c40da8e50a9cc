#pragma once

namespace es::sip {

// SIP final statuses and the switch's hangup causes (FreeSWITCH's numbers), both ways, as
// mod_sofia maps them: a failed outbound INVITE's status becomes the leg's hangup cause, and a
// hangup cause becomes the status of the final response refusing an inbound INVITE.
//
// Statuses FreeSWITCH does not list give NORMAL_UNSPECIFIED (31); causes it does not list
// give 480.
int sip_status_to_cause(int status);
int cause_to_sip_status(int cause);

}  // namespace es::sip

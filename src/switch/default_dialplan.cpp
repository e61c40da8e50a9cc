#include "switch/default_dialplan.hpp"

namespace es::sw {

std::string_view default_dialplan_xml() {
  return R"XML(<?xml version="1.0"?>
<document type="freeswitch/xml">
  <section name="dialplan" description="eventswitch embedded dialplan">
    <context name="default">
      <!-- 9999: answer and park; drive the call with sendmsg / uuid_* commands. -->
      <extension name="park">
        <condition field="destination_number" expression="^9999$">
          <action application="answer"/>
          <action application="park"/>
        </condition>
      </extension>
      <!-- 9998: a one-second 440 Hz tone, then hang up. -->
      <extension name="tone">
        <condition field="destination_number" expression="^9998$">
          <action application="answer"/>
          <action application="playback" data="tone_stream://%(1000,0,440)"/>
          <action application="hangup"/>
        </condition>
      </extension>
      <!-- 9196: echo the caller's audio back. -->
      <extension name="echo">
        <condition field="destination_number" expression="^9196$">
          <action application="answer"/>
          <action application="echo"/>
        </condition>
      </extension>
      <!-- 5000: a small IVR: beep, collect 1-4 digits ending in #, keep them in
           ivr_digits, then park. -->
      <extension name="ivr">
        <condition field="destination_number" expression="^5000$">
          <action application="answer"/>
          <action application="play_and_get_digits"
                  data="1 4 3 5000 # tone_stream://%(200,0,600) silence_stream://250 ivr_digits \d+"/>
          <action application="park"/>
        </condition>
      </extension>
      <!-- 1000-1099: park with the number in a variable. -->
      <extension name="park-range">
        <condition field="destination_number" expression="^(10\d\d)$">
          <action application="set" data="target=$1"/>
          <action application="answer"/>
          <action application="park"/>
        </condition>
      </extension>
    </context>
  </section>
  <!-- English for say and phrase: the say module "en" and a few of FreeSWITCH's demo macros.
       No sound-prefix, so files come from the channel's sound_prefix or the sound folder. -->
  <section name="languages" description="eventswitch embedded phrases">
    <language name="en" say-module="en">
      <phrases>
        <macros>
          <macro name="msgcount">
            <input pattern="(.*)">
              <match>
                <action function="execute" data="sleep(1000)"/>
                <action function="play-file" data="voicemail/vm-you_have.wav"/>
                <action function="say" data="$1" method="pronounced" type="items"/>
                <action function="play-file" data="voicemail/vm-messages.wav"/>
              </match>
            </input>
          </macro>
          <macro name="saydate">
            <input pattern="(.*)">
              <match>
                <action function="say" data="$1" method="pronounced" type="current_date_time"/>
              </match>
            </input>
          </macro>
          <macro name="timespec">
            <input pattern="(.*)">
              <match>
                <action function="say" data="$1" method="pronounced" type="time_measurement"/>
              </match>
            </input>
          </macro>
          <macro name="ip-addr">
            <input pattern="(.*)">
              <match>
                <action function="say" data="$1" method="iterated" type="ip_address"/>
                <action function="say" data="$1" method="pronounced" type="ip_address"/>
              </match>
            </input>
          </macro>
          <macro name="spell">
            <input pattern="(.*)">
              <match>
                <action function="say" data="$1" method="pronounced" type="name_spelled"/>
              </match>
            </input>
          </macro>
          <macro name="spell-phonetic">
            <input pattern="(.*)">
              <match>
                <action function="say" data="$1" method="pronounced" type="name_phonetic"/>
              </match>
            </input>
          </macro>
        </macros>
      </phrases>
    </language>
  </section>
</document>
)XML";
}

std::shared_ptr<const core::XmlConfig> load_default_dialplan(core::GlobalVars& globals) {
  auto result = core::XmlConfig::load_text(default_dialplan_xml(), ".", globals);
  return result.config;
}

bool has_dialplan(const core::XmlConfig& config) {
  return static_cast<bool>(config.section("dialplan").child("context"));
}

bool has_phrases(const core::XmlConfig& config) {
  return static_cast<bool>(config.section("languages").first_child()) ||
         static_cast<bool>(config.section("phrases").first_child());
}

}  // namespace es::sw

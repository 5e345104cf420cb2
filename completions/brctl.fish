# fish completion for brctl (bridge-utils-rs).
#
# Completes the commands, the global options, live bridge names where a
# bridge is expected, free interfaces where a device is expected, the ports
# of the bridge named for delif, hairpin, setpathcost and setportprio (and
# the bridge itself for addvlan and delvlan) and of the multicast port
# settings and port flags, on/off, the VLAN protocols, addvlan's flags, the
# values of the multicast router (0 1 2, ports 0 1 2 3) and of the other
# 0/1 multicast settings, and for delvlan the VLANs the port has (from
# `brctl showvlans`); for delmac the MACs on the port (from `brctl -d
# showmacs`), `vlan` after a MAC and for showmacs, any interface for
# sethwaddr. Names are read from /sys/class/net, or with `ip -n NAME` when
# the command line names a namespace with -n/--netns.

# Reads the command line so far: sets __brctl_rs_netns to the namespace
# named by -n/--netns (or nothing) and __brctl_rs_words to the command and
# its arguments, options left out (they may come anywhere, as with getopt).
function __brctl_rs_parse
    set -g __brctl_rs_netns
    set -g __brctl_rs_words
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l wants
    set -l dashes 0
    for token in $tokens
        if test -n "$wants"
            test "$wants" = n; and set __brctl_rs_netns $token
            set wants
            continue
        end
        if test $dashes = 0; and string match -q -- '-?*' $token
            if test "$token" = --
                set dashes 1
            else if string match -qr -- '^--(n|ne|net|netn|netns)=' $token
                set __brctl_rs_netns (string replace -r -- '^[^=]*=' '' $token)
            else if string match -qr -- '^--(n|ne|net|netn|netns)$' $token
                set wants n
            else if string match -qr -- '^--(b|ba|bat|batc|batch)$' $token
                set wants b
            else if string match -qr -- '^-[^-nb]*n.' $token
                set __brctl_rs_netns (string replace -r -- '^-[^nb]*n' '' $token)
            else if string match -qr -- '^-[^-nb]*[nb]$' $token
                set wants (string sub -s -1 -- $token)
            end
            continue
        end
        set -a __brctl_rs_words $token
    end
end

# True when no command has been given yet.
function __brctl_rs_needs_command
    __brctl_rs_parse
    test (count $__brctl_rs_words) -eq 0
end

# __brctl_rs_at POSITION COMMAND...: true when the word being completed is
# argument POSITION (1 is the first; "2+" is 2 or later) of one of COMMANDs.
function __brctl_rs_at
    __brctl_rs_parse
    set -l position $argv[1]
    set -e argv[1]
    test (count $__brctl_rs_words) -ge 1; or return 1
    contains -- $__brctl_rs_words[1] $argv; or return 1
    set -l current (count $__brctl_rs_words)
    if string match -q -- '*+' $position
        test $current -ge (string trim -r -c + -- $position)
    else
        test $current -eq $position
    end
end

# Prints the names `ip -n NETNS -o link show ARGS` lists.
function __brctl_rs_ip_names
    ip -n $argv[1] -o link show $argv[2..-1] 2>/dev/null | string replace -r -- '^[0-9]+: ([^:@]+).*' '$1'
end

function __brctl_rs_bridges
    __brctl_rs_parse
    if test -n "$__brctl_rs_netns"
        __brctl_rs_ip_names $__brctl_rs_netns type bridge
        return
    end
    for dir in /sys/class/net/*/bridge
        string replace -r -- '^/sys/class/net/(.*)/bridge$' '$1' $dir
    end
end

# The ports of the bridge on the command line, less those already given.
function __brctl_rs_ports
    __brctl_rs_parse
    set -l bridge $__brctl_rs_words[2]
    set -l given $__brctl_rs_words[3..-1]
    set -l ports
    if test -n "$__brctl_rs_netns"
        set ports (__brctl_rs_ip_names $__brctl_rs_netns master $bridge)
    else
        for dev in /sys/class/net/$bridge/brif/*
            set -a ports (basename $dev)
        end
    end
    for port in $ports
        contains -- $port $given; or echo $port
    end
end

# The ports of the bridge on the command line and the bridge itself (where
# VLANs go).
function __brctl_rs_vlan_links
    __brctl_rs_parse
    set -l bridge $__brctl_rs_words[2]
    contains -- $bridge (__brctl_rs_bridges); or return
    echo $bridge
    __brctl_rs_ports
end

# The VLANs of the link on the command line as `brctl showvlans` lists them:
# a vid or a range (20-30), without the PVID and untagged marks. Nothing
# when that brctl has no showvlans (the original prints no header) or VLAN
# filtering is off.
function __brctl_rs_vids
    __brctl_rs_parse
    set -l bridge $__brctl_rs_words[2]
    set -l link $__brctl_rs_words[3]
    # fish reports a missing command whatever 2> says.
    command -q brctl; or return
    set -l brctl brctl
    test -n "$__brctl_rs_netns"; and set -a brctl -n $__brctl_rs_netns
    set -l header
    set -l current
    for line in (command $brctl showvlans $bridge 2>/dev/null)
        if test -z "$header"
            test "$line" = "bridge name"\t"port"\t\t"vlan ids"; or return
            set header 1
            continue
        end
        # <bridge column>TAB TAB<port column>TAB TAB<vids>
        set -l fields (string split -- \t\t $line)
        test (count $fields) -eq 3; or continue
        test -n "$fields[2]"; and set current $fields[2]
        test "$current" = "$link"; or continue
        set -l vid (string split -f1 -- ' ' $fields[3])
        string match -qr -- '^[0-9]+(-[0-9]+)?$' $vid; and echo $vid
    end
end

# The MACs on the port on the command line as `brctl -d showmacs` lists
# them, each once. Nothing when that brctl has no -d (the original prints no
# such header).
function __brctl_rs_macs
    __brctl_rs_parse
    set -l bridge $__brctl_rs_words[2]
    set -l port $__brctl_rs_words[3]
    command -q brctl; or return
    set -l brctl brctl
    test -n "$__brctl_rs_netns"; and set -a brctl -n $__brctl_rs_netns
    set -l header
    set -l macs
    for line in (command $brctl -d showmacs $bridge 2>/dev/null)
        if test -z "$header"
            string match -q -- '*port no*mac addr*interface*' $line; or return
            set header 1
            continue
        end
        set -l fields (string split -n -- ' ' $line)
        test "$fields[5]" = "$port"; or continue
        contains -- $fields[2] $macs; or set -a macs $fields[2]
    end
    printf '%s\n' $macs
end

# Every interface but lo (sethwaddr takes the address of any).
function __brctl_rs_interfaces
    __brctl_rs_parse
    if test -n "$__brctl_rs_netns"
        for line in (ip -n $__brctl_rs_netns -o link show 2>/dev/null)
            string match -q -- '*link/loopback*' $line; and continue
            string replace -r -- '^[0-9]+: ([^:@]+).*' '$1' $line
        end
        return
    end
    for dev in /sys/class/net/*
        set -l name (basename $dev)
        test $name = lo; or echo $name
    end
end

# addvlan's flags not given yet; pvid names a single VLAN.
function __brctl_rs_vlan_flags
    __brctl_rs_parse
    set -l given $__brctl_rs_words[5..-1]
    string match -q -- '*-*' $__brctl_rs_words[4]; or contains -- pvid $given; or echo pvid
    contains -- untagged $given; or echo untagged
end

# The interfaces that could become ports: not lo, not a bridge, not already
# a port of a bridge, not already given.
function __brctl_rs_free_interfaces
    __brctl_rs_parse
    set -l given $__brctl_rs_words[3..-1]
    if test -n "$__brctl_rs_netns"
        set -l bridges (__brctl_rs_ip_names $__brctl_rs_netns type bridge)
        for line in (ip -n $__brctl_rs_netns -o link show 2>/dev/null)
            string match -q -- '* master *' $line; and continue
            string match -q -- '*link/loopback*' $line; and continue
            set -l name (string replace -r -- '^[0-9]+: ([^:@]+).*' '$1' $line)
            contains -- $name $bridges $given; or echo $name
        end
        return
    end
    for dev in /sys/class/net/*
        set -l name (basename $dev)
        test $name = lo; and continue
        test -d $dev/bridge; and continue
        test -e $dev/brport; and continue
        contains -- $name $given; or echo $name
    end
end

function __brctl_rs_namespaces
    for ns in /run/netns/*
        basename $ns
    end
end

complete -c brctl -f

complete -c brctl -s h -l help -d 'print the help and exit'
complete -c brctl -s V -l version -d 'print the version and exit'
complete -c brctl -s j -l json -d 'print what the show commands print as JSON'
complete -c brctl -s p -l pretty -d 'indent the JSON output'
complete -c brctl -s n -l netns -x -a '(__brctl_rs_namespaces)' -d 'act in network namespace NAME'
complete -c brctl -s b -l batch -r -F -d 'run one command per line of FILE'
complete -c brctl -s f -l force -d 'with --batch, go on after a failing line'
complete -c brctl -s d -l details -d 'details: showmacs interface, VLAN and flags; showstp multicast and VLAN lines'

complete -c brctl -n __brctl_rs_needs_command -a addbr -d 'add bridge'
complete -c brctl -n __brctl_rs_needs_command -a delbr -d 'delete bridge'
complete -c brctl -n __brctl_rs_needs_command -a addif -d 'add interface to bridge'
complete -c brctl -n __brctl_rs_needs_command -a delif -d 'delete interface from bridge'
complete -c brctl -n __brctl_rs_needs_command -a hairpin -d 'turn hairpin on/off'
complete -c brctl -n __brctl_rs_needs_command -a setageing -d 'set ageing time'
complete -c brctl -n __brctl_rs_needs_command -a setbridgeprio -d 'set bridge priority'
complete -c brctl -n __brctl_rs_needs_command -a setfd -d 'set bridge forward delay'
complete -c brctl -n __brctl_rs_needs_command -a sethello -d 'set hello time'
complete -c brctl -n __brctl_rs_needs_command -a setmaxage -d 'set max message age'
complete -c brctl -n __brctl_rs_needs_command -a setpathcost -d 'set path cost'
complete -c brctl -n __brctl_rs_needs_command -a setportprio -d 'set port priority'
complete -c brctl -n __brctl_rs_needs_command -a show -d 'show a list of bridges'
complete -c brctl -n __brctl_rs_needs_command -a showmacs -d 'show a list of mac addrs'
complete -c brctl -n __brctl_rs_needs_command -a showstp -d 'show bridge stp info'
complete -c brctl -n __brctl_rs_needs_command -a stp -d 'turn stp on/off'
complete -c brctl -n __brctl_rs_needs_command -a vlanfiltering -d 'turn vlan filtering on/off'
complete -c brctl -n __brctl_rs_needs_command -a setvlanproto -d 'set vlan protocol'
complete -c brctl -n __brctl_rs_needs_command -a setdefpvid -d 'set default pvid'
complete -c brctl -n __brctl_rs_needs_command -a addvlan -d 'add vlans to a port'
complete -c brctl -n __brctl_rs_needs_command -a delvlan -d 'delete vlans from a port'
complete -c brctl -n __brctl_rs_needs_command -a showvlans -d 'show vlans of ports'
complete -c brctl -n __brctl_rs_needs_command -a setmcsnoop -d 'set multicast snooping'
complete -c brctl -n __brctl_rs_needs_command -a setmcrouter -d 'set multicast router'
complete -c brctl -n __brctl_rs_needs_command -a setmcquerier -d 'set multicast querier'
complete -c brctl -n __brctl_rs_needs_command -a setmcqifaddr -d 'set multicast query use ifaddr'
complete -c brctl -n __brctl_rs_needs_command -a sethashel -d 'set hash elasticity (ignored since Linux 5.0)'
complete -c brctl -n __brctl_rs_needs_command -a sethashmax -d 'set hash max'
complete -c brctl -n __brctl_rs_needs_command -a setmclmc -d 'set multicast last member count'
complete -c brctl -n __brctl_rs_needs_command -a setmcsqc -d 'set multicast startup query count'
complete -c brctl -n __brctl_rs_needs_command -a setmclmi -d 'set multicast last member interval'
complete -c brctl -n __brctl_rs_needs_command -a setmcmi -d 'set multicast membership interval'
complete -c brctl -n __brctl_rs_needs_command -a setmcqpi -d 'set multicast querier interval'
complete -c brctl -n __brctl_rs_needs_command -a setmcqi -d 'set multicast query interval'
complete -c brctl -n __brctl_rs_needs_command -a setmcqri -d 'set multicast query response interval'
complete -c brctl -n __brctl_rs_needs_command -a setmcsqi -d 'set multicast startup query interval'
complete -c brctl -n __brctl_rs_needs_command -a setportmcrouter -d 'set port multicast router'
complete -c brctl -n __brctl_rs_needs_command -a setportmcfl -d 'set port multicast fast leave'
complete -c brctl -n __brctl_rs_needs_command -a showmdb -d 'show multicast groups'
complete -c brctl -n __brctl_rs_needs_command -a learning -d 'turn learning on/off'
complete -c brctl -n __brctl_rs_needs_command -a flood -d 'turn unicast flooding on/off'
complete -c brctl -n __brctl_rs_needs_command -a mcflood -d 'turn multicast flooding on/off'
complete -c brctl -n __brctl_rs_needs_command -a bcflood -d 'turn broadcast flooding on/off'
complete -c brctl -n __brctl_rs_needs_command -a isolated -d 'turn port isolation on/off'
complete -c brctl -n __brctl_rs_needs_command -a bpduguard -d 'turn bpdu guard on/off'
complete -c brctl -n __brctl_rs_needs_command -a rootblock -d 'turn root block on/off'
complete -c brctl -n __brctl_rs_needs_command -a neighsuppress -d 'turn neighbour suppression on/off'
complete -c brctl -n __brctl_rs_needs_command -a addmac -d 'add a static mac address'
complete -c brctl -n __brctl_rs_needs_command -a delmac -d 'delete a mac address'
complete -c brctl -n __brctl_rs_needs_command -a flushmacs -d 'flush learned mac addresses'
complete -c brctl -n __brctl_rs_needs_command -a sethwaddr -d 'set bridge mac address'
complete -c brctl -n __brctl_rs_needs_command -a monitor -d 'show events as they happen'

set -l __brctl_rs_bridge_first delbr addif delif hairpin setageing setbridgeprio setfd sethello setmaxage setpathcost setportprio showmacs showstp stp setgcint vlanfiltering setvlanproto setdefpvid addvlan delvlan setmcsnoop setmcrouter setmcquerier setmcqifaddr sethashel sethashmax setmclmc setmcsqc setmclmi setmcmi setmcqpi setmcqi setmcqri setmcsqi setportmcrouter setportmcfl showmdb learning flood mcflood bcflood isolated bpduguard rootblock neighsuppress addmac delmac flushmacs sethwaddr
complete -c brctl -n "__brctl_rs_at 1 $__brctl_rs_bridge_first" -a '(__brctl_rs_bridges)' -d bridge
complete -c brctl -n '__brctl_rs_at 1+ show showvlans monitor' -a '(__brctl_rs_bridges)' -d bridge
complete -c brctl -n '__brctl_rs_at 2+ addif' -a '(__brctl_rs_free_interfaces)' -d interface
complete -c brctl -n '__brctl_rs_at 2+ delif' -a '(__brctl_rs_ports)' -d port
complete -c brctl -n '__brctl_rs_at 2 hairpin setpathcost setportprio' -a '(__brctl_rs_ports)' -d port
complete -c brctl -n '__brctl_rs_at 2 stp' -a 'on off' -d state
complete -c brctl -n '__brctl_rs_at 3 hairpin' -a 'on off' -d state
complete -c brctl -n '__brctl_rs_at 2 vlanfiltering' -a 'on off' -d state
complete -c brctl -n '__brctl_rs_at 2 setvlanproto' -a '802.1Q 802.1ad' -d protocol
complete -c brctl -n '__brctl_rs_at 2 addvlan delvlan' -a '(__brctl_rs_vlan_links)' -d port
complete -c brctl -n '__brctl_rs_at 3 delvlan' -a '(__brctl_rs_vids)' -d vlan
complete -c brctl -n '__brctl_rs_at 4+ addvlan' -a '(__brctl_rs_vlan_flags)' -d flag
set -l __brctl_rs_port_commands setportmcrouter setportmcfl learning flood mcflood bcflood isolated bpduguard rootblock neighsuppress
complete -c brctl -n "__brctl_rs_at 2 $__brctl_rs_port_commands" -a '(__brctl_rs_ports)' -d port
complete -c brctl -n '__brctl_rs_at 3 learning flood mcflood bcflood isolated bpduguard rootblock neighsuppress' -a 'on off' -d state
complete -c brctl -n '__brctl_rs_at 2 setmcsnoop setmcquerier setmcqifaddr' -a '0 1' -d value
complete -c brctl -n '__brctl_rs_at 2 setmcrouter' -a '0 1 2' -d value
complete -c brctl -n '__brctl_rs_at 3 setportmcfl' -a '0 1' -d value
complete -c brctl -n '__brctl_rs_at 3 setportmcrouter' -a '0 1 2 3' -d value
# The forwarding database (docs/compat.md section 11).
complete -c brctl -n '__brctl_rs_at 2 addmac delmac flushmacs' -a '(__brctl_rs_ports)' -d port
complete -c brctl -n '__brctl_rs_at 3 delmac' -a '(__brctl_rs_macs)' -d mac
complete -c brctl -n '__brctl_rs_at 4 addmac delmac' -a vlan -d filter
complete -c brctl -n '__brctl_rs_at 2 showmacs' -a vlan -d filter
complete -c brctl -n '__brctl_rs_at 2 sethwaddr' -a '(__brctl_rs_interfaces)' -d interface

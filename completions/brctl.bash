# bash completion for brctl (bridge-utils-rs)                -*- shell-script -*-
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
# sethwaddr. Works with or without the bash-completion package. Names are
# read from /sys/class/net, or with `ip -n NAME` when the command line names
# a namespace with -n/--netns.

# The bridges, one per line.
_brctl_rs_bridges()
{
    local netns=$1 dev
    if [[ -n $netns ]]; then
        ip -n "$netns" -o link show type bridge 2>/dev/null |
            sed -n 's/^[0-9]*: \([^:@]*\).*/\1/p'
        return
    fi
    for dev in /sys/class/net/*/bridge; do
        [[ -d $dev ]] || continue
        dev=${dev%/bridge}
        printf '%s\n' "${dev##*/}"
    done
}

# The ports of bridge $2, one per line.
_brctl_rs_ports()
{
    local netns=$1 bridge=$2 dev
    if [[ -n $netns ]]; then
        ip -n "$netns" -o link show master "$bridge" 2>/dev/null |
            sed -n 's/^[0-9]*: \([^:@]*\).*/\1/p'
        return
    fi
    for dev in "/sys/class/net/$bridge/brif/"*; do
        [[ -e $dev ]] && printf '%s\n' "${dev##*/}"
    done
}

# The ports of bridge $2 and the bridge itself (where VLANs go), one per line.
_brctl_rs_vlan_links()
{
    local netns=$1 bridge=$2
    if _brctl_rs_bridges "$netns" | grep -qxF -e "$bridge"; then
        printf '%s\n' "$bridge"
        _brctl_rs_ports "$netns" "$bridge"
    fi
}

# The VLANs of link $3 of bridge $2 as `brctl showvlans` lists them, one per
# line: a vid or a range (`20-30`), without the PVID and untagged marks.
# Nothing when that brctl has no showvlans (the original says "never heard
# of command" and prints no header) or VLAN filtering is off.
_brctl_rs_vids()
{
    local netns=$1 bridge=$2 link=$3 line rest vids current='' header=''
    local tabs=$'\t\t'
    local -a brctl=(brctl)
    [[ -n $netns ]] && brctl+=(-n "$netns")
    while IFS= read -r line; do
        if [[ -z $header ]]; then
            [[ $line == $'bridge name\tport\t\tvlan ids' ]] || return
            header=1
            continue
        fi
        # <bridge column>TAB TAB<port column>TAB TAB<vids>
        rest=${line#*"$tabs"}
        [[ $rest != "$line" && $rest == *"$tabs"* ]] || continue
        [[ -n ${rest%%"$tabs"*} ]] && current=${rest%%"$tabs"*}
        [[ $current == "$link" ]] || continue
        vids=${rest#*"$tabs"}
        vids=${vids%% *}
        [[ $vids =~ ^[0-9]+(-[0-9]+)?$ ]] && printf '%s\n' "$vids"
    done < <(command "${brctl[@]}" showvlans "$bridge" 2>/dev/null)
}

# The MACs on port $3 of bridge $2 as `brctl -d showmacs` lists them, one
# per line, each once. Nothing when that brctl has no -d (the original
# prints no such header).
_brctl_rs_macs()
{
    local netns=$1 bridge=$2 port=$3 line header='' fields
    local -A seen=()
    local -a brctl=(brctl)
    [[ -n $netns ]] && brctl+=(-n "$netns")
    while IFS= read -r line; do
        if [[ -z $header ]]; then
            [[ $line == *'port no'*'mac addr'*'interface'* ]] || return
            header=1
            continue
        fi
        # port no, mac addr, is local?, ageing timer, interface, ...
        read -r -a fields <<<"$line"
        [[ ${fields[4]} == "$port" && -n ${fields[1]} && -z ${seen[${fields[1]}]} ]] || continue
        seen[${fields[1]}]=1
        printf '%s\n' "${fields[1]}"
    done < <(command "${brctl[@]}" -d showmacs "$bridge" 2>/dev/null)
}

# Every interface but lo (sethwaddr takes the address of any).
_brctl_rs_interfaces()
{
    local netns=$1 dev name line
    if [[ -n $netns ]]; then
        while read -r line; do
            [[ $line == *link/loopback* ]] && continue
            name=${line#*: }
            printf '%s\n' "${name%%[:@]*}"
        done < <(ip -n "$netns" -o link show 2>/dev/null)
        return
    fi
    for dev in /sys/class/net/*; do
        name=${dev##*/}
        [[ -e $dev && $name != lo ]] && printf '%s\n' "$name"
    done
}

# The interfaces that could become ports: not lo, not a bridge, not
# already a port of a bridge.
_brctl_rs_free_interfaces()
{
    local netns=$1 dev name line bridges
    if [[ -n $netns ]]; then
        bridges=" $(_brctl_rs_bridges "$netns" | tr '\n' ' ') "
        while read -r line; do
            [[ $line == *' master '* || $line == *link/loopback* ]] && continue
            name=${line#*: }
            name=${name%%[:@]*}
            [[ $bridges == *" $name "* ]] || printf '%s\n' "$name"
        done < <(ip -n "$netns" -o link show 2>/dev/null)
        return
    fi
    for dev in /sys/class/net/*; do
        name=${dev##*/}
        [[ -e $dev && $name != lo && ! -d $dev/bridge && ! -e $dev/brport ]] || continue
        printf '%s\n' "$name"
    done
}

# Completes the argument of option $1 (-n or -b).
_brctl_rs_option_argument()
{
    local cur=$2 names=''
    if [[ $1 == n ]]; then
        [[ -d /run/netns ]] && names=$(command ls /run/netns 2>/dev/null)
        mapfile -t COMPREPLY < <(compgen -W "$names" -- "$cur")
    else
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    fi
}

_brctl_rs()
{
    local cur=${COMP_WORDS[COMP_CWORD]}
    local commands='addbr delbr addif delif hairpin setageing setbridgeprio setfd sethello setmaxage setpathcost setportprio show showmacs showstp stp vlanfiltering setvlanproto setdefpvid addvlan delvlan showvlans setmcsnoop setmcrouter setmcquerier setmcqifaddr sethashel sethashmax setmclmc setmcsqc setmclmi setmcmi setmcqpi setmcqi setmcqri setmcsqi setportmcrouter setportmcfl showmdb learning flood mcflood bcflood isolated bpduguard rootblock neighsuppress addmac delmac flushmacs sethwaddr monitor'
    local options='-h --help -V --version -j --json -p --pretty -n --netns -b --batch -f --force -d --details'
    COMPREPLY=()

    # Find the command and its arguments, skipping options and their
    # arguments: as with getopt, options may come anywhere, clustered
    # (-jn NAME), attached (-nNAME, --netns=NAME) or abbreviated (--net).
    local i j word letter command='' netns='' args=() after_dashes='' wants=''
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        if [[ -n $wants ]]; then
            # `--netns=NAME` comes as three words: `=` is in COMP_WORDBREAKS.
            [[ $word == = ]] && continue
            [[ $wants == n ]] && netns=$word
            wants=
            continue
        fi
        if [[ -z $after_dashes && $word == -?* ]]; then
            if [[ $word == -- ]]; then
                after_dashes=1
            elif [[ $word == --* ]]; then
                case ${word%%=*} in
                    --n | --ne | --net | --netn | --netns) letter=n ;;
                    --b | --ba | --bat | --batc | --batch) letter=b ;;
                    *) letter= ;;
                esac
                if [[ -n $letter && $word == *=* ]]; then
                    [[ $letter == n ]] && netns=${word#*=}
                elif [[ -n $letter ]]; then
                    wants=$letter
                fi
            else
                for ((j = 1; j < ${#word}; j++)); do
                    letter=${word:j:1}
                    if [[ $letter == [nb] ]]; then
                        if ((j + 1 < ${#word})); then
                            [[ $letter == n ]] && netns=${word:j+1}
                        else
                            wants=$letter
                        fi
                        break
                    fi
                done
            fi
            continue
        fi
        # A MAC comes as several words (`:` is in COMP_WORDBREAKS): one argument.
        if ((${#args[@]} > 0)) && [[ $word == : || ${COMP_WORDS[i - 1]} == : ]]; then
            args[-1]+=$word
            continue
        fi
        if [[ -z $command ]]; then
            command=$word
        else
            args+=("$word")
        fi
    done

    if [[ -n $wants ]]; then
        [[ $cur == = ]] && cur=''
        _brctl_rs_option_argument "$wants" "$cur"
        return
    fi
    if [[ -z $after_dashes && $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$options" -- "$cur")
        return
    fi
    if [[ -z $command ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
        return
    fi

    # A MAC being typed: the whole of it is matched, and only what follows
    # its last `:` is replaced, as bash replaces the last word only.
    local colon_prefix=''
    if ((${#args[@]} > 0)) && [[ $cur == : || ${COMP_WORDS[COMP_CWORD - 1]} == : ]]; then
        cur=${args[-1]}$cur
        unset 'args[-1]'
        colon_prefix=${cur%"${cur##*:}"}
    fi

    # The position of the word being completed among the command's arguments.
    local position=$((${#args[@]} + 1)) words=''
    case $command in
        show | showvlans | monitor)
            words=$(_brctl_rs_bridges "$netns")
            ;;
        delbr | showstp | setageing | setbridgeprio | setfd | sethello | setmaxage | setgcint | setdefpvid)
            ((position == 1)) && words=$(_brctl_rs_bridges "$netns")
            ;;
        sethashel | sethashmax | setmclmc | setmcsqc | setmclmi | setmcmi | setmcqpi | setmcqi | setmcqri | setmcsqi | showmdb)
            ((position == 1)) && words=$(_brctl_rs_bridges "$netns")
            ;;
        setmcsnoop | setmcquerier | setmcqifaddr | setmcrouter)
            case $position in
                1) words=$(_brctl_rs_bridges "$netns") ;;
                2) words='0 1'; [[ $command == setmcrouter ]] && words='0 1 2' ;;
            esac
            ;;
        setportmcrouter | setportmcfl | learning | flood | mcflood | bcflood | isolated | bpduguard | rootblock | neighsuppress)
            case $position in
                1) words=$(_brctl_rs_bridges "$netns") ;;
                2) words=$(_brctl_rs_ports "$netns" "${args[0]}") ;;
                3)
                    case $command in
                        setportmcrouter) words='0 1 2 3' ;;
                        setportmcfl) words='0 1' ;;
                        *) words='on off' ;;
                    esac
                    ;;
            esac
            ;;
        stp | vlanfiltering)
            case $position in
                1) words=$(_brctl_rs_bridges "$netns") ;;
                2) words='on off' ;;
            esac
            ;;
        setvlanproto)
            case $position in
                1) words=$(_brctl_rs_bridges "$netns") ;;
                2) words='802.1Q 802.1ad' ;;
            esac
            ;;
        addvlan | delvlan)
            case $position in
                1) words=$(_brctl_rs_bridges "$netns") ;;
                2) words=$(_brctl_rs_vlan_links "$netns" "${args[0]}") ;;
                3) [[ $command == delvlan ]] && words=$(_brctl_rs_vids "$netns" "${args[0]}" "${args[1]}") ;;
                *)
                    # addvlan's flags, each once; pvid names a single VLAN.
                    if [[ $command == addvlan ]]; then
                        local flags=" ${args[*]:3} "
                        [[ $flags == *' pvid '* || ${args[2]} == *-* ]] || words+='pvid '
                        [[ $flags == *' untagged '* ]] || words+='untagged'
                    fi
                    ;;
            esac
            ;;
        showmacs)
            case $position in
                1) words=$(_brctl_rs_bridges "$netns") ;;
                2) words='vlan' ;;
            esac
            ;;
        addmac | delmac)
            case $position in
                1) words=$(_brctl_rs_bridges "$netns") ;;
                2) words=$(_brctl_rs_ports "$netns" "${args[0]}") ;;
                3) [[ $command == delmac ]] && words=$(_brctl_rs_macs "$netns" "${args[0]}" "${args[1]}") ;;
                4) words='vlan' ;;
            esac
            ;;
        flushmacs)
            case $position in
                1) words=$(_brctl_rs_bridges "$netns") ;;
                2) words=$(_brctl_rs_ports "$netns" "${args[0]}") ;;
            esac
            ;;
        sethwaddr)
            case $position in
                1) words=$(_brctl_rs_bridges "$netns") ;;
                2) words=$(_brctl_rs_interfaces "$netns") ;;
            esac
            ;;
        addif)
            case $position in
                1) words=$(_brctl_rs_bridges "$netns") ;;
                *) words=$(_brctl_rs_free_interfaces "$netns") ;;
            esac
            ;;
        delif)
            case $position in
                1) words=$(_brctl_rs_bridges "$netns") ;;
                *) words=$(_brctl_rs_ports "$netns" "${args[0]}") ;;
            esac
            ;;
        hairpin | setpathcost | setportprio)
            case $position in
                1) words=$(_brctl_rs_bridges "$netns") ;;
                2) words=$(_brctl_rs_ports "$netns" "${args[0]}") ;;
                3) [[ $command == hairpin ]] && words='on off' ;;
            esac
            ;;
    esac
    # A device already on the line is not offered again.
    if [[ $command == addif || $command == delif ]] && ((position > 1)); then
        local given=" ${args[*]:1} " name filtered=''
        for name in $words; do
            [[ $given == *" $name "* ]] || filtered+="$name "
        done
        words=$filtered
    fi
    mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
    [[ -n $colon_prefix ]] && COMPREPLY=("${COMPREPLY[@]#"$colon_prefix"}")
    return 0
} &&
    complete -F _brctl_rs brctl

# ex: filetype=sh

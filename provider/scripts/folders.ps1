# Folders the product trusts are folders it owns: any account may create folders under C:\ and
# C:\ProgramData and then owns them (an owner can always rewrite a DACL), so a folder that holds a key
# file or the join script is taken over, or checked and refused, before anything is written into it.
# Shared by the step scripts (after common.ps1) and by the join script a person runs (built into it).
# Windows PowerShell 5.1; owners and entries are read as SDDL (SIDs and aliases, never the localized
# account names).

# Owner Administrators, group SYSTEM, and a protected DACL: full control for Administrators and SYSTEM
# on the folder, its subfolders and files, and no other entry.
$MeshAdminOnlySddl = 'O:BAG:SYD:PAI(A;OICI;FA;;;BA)(A;OICI;FA;;;SY)'
# Who may own or change what the product trusts: SYSTEM, Administrators (SDDL writes both by alias),
# TrustedInstaller.
$MeshTrustedAccounts = @('SY', 'BA', 'S-1-5-18', 'S-1-5-32-544', 'S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464')
# Rights another account may hold on a folder the product trusts: reading and listing it, no more.
$MeshReadRights = @('FR', 'FX', 'FRFX', 'GR', 'GX', 'GRGX', '0x1200a9', '0x120089', '0x1200a0', '0x120000', '0x100000')

function Get-MeshSecurity([string]$Path) {
    # An item's owner, whether its DACL is protected, and its entries (type, flags, rights, account).
    $sddl = [string](Get-Acl -LiteralPath $Path).Sddl
    $owner = ''
    if ($sddl -match '^O:(.+?)(G:|D:|S:|$)') { $owner = $Matches[1] }
    $protected = $false
    $dacl = ''
    if ($sddl -match 'D:([A-Z]*)((\([^)]*\))*)') {
        $protected = $Matches[1].Contains('P')
        $dacl = $Matches[2]
    }
    $entries = @(foreach ($ace in [regex]::Matches($dacl, '\(([^)]*)\)')) {
            $fields = $ace.Groups[1].Value.Split(';')
            @{ type = $fields[0]; flags = $fields[1]; rights = $fields[2]; account = $fields[5] }
        })
    @{ owner = $owner; protected = $protected; entries = $entries }
}

function Get-MeshAdminOnlyProblem([string]$Path) {
    # What differs from "owner Administrators; exactly Administrators and SYSTEM, full control,
    # protected"; $null when nothing does.
    $security = Get-MeshSecurity -Path $Path
    $described = ($security.entries | ForEach-Object { "$($_.account) $($_.rights)" }) -join ', '
    if (@('BA', 'S-1-5-32-544') -notcontains $security.owner) { return "its owner is $($security.owner), not Administrators" }
    if (-not $security.protected) { return 'it still inherits entries from its parent folder' }
    $full = @($security.entries | Where-Object { $_.type -eq 'A' -and $_.rights -eq 'FA' -and -not $_.flags.Contains('ID') } | ForEach-Object { $_.account } | Sort-Object)
    if ($security.entries.Count -ne 2 -or ($full -join ',') -ne 'BA,SY') { return "its entries are $described, not exactly Administrators and SYSTEM" }
    $null
}

function Get-MeshUntrustedProblem([string]$Path, [string[]]$AlsoTrusted = @()) {
    # Why another account could change the item (it owns it, or an entry grants it more than reading);
    # $null when only SYSTEM, Administrators, TrustedInstaller (or the accounts in $AlsoTrusted) can.
    $trusted = $MeshTrustedAccounts + $AlsoTrusted
    $security = Get-MeshSecurity -Path $Path
    if ($trusted -notcontains $security.owner) { return "it is owned by $($security.owner)" }
    foreach ($entry in $security.entries) {
        # An inherit-only entry (IO) applies to new items inside, not to this one.
        if ($entry.type -eq 'A' -and -not $entry.flags.Contains('IO') -and $trusted -notcontains $entry.account -and $MeshReadRights -notcontains $entry.rights) {
            return "$($entry.account) may change it (rights $($entry.rights))"
        }
    }
    $null
}

function Assert-MeshAdminOnlyFolder([string]$Path) {
    # Checked right before a key file is written: the folder is still exactly as the take-over left it.
    $problem = Get-MeshAdminOnlyProblem -Path $Path
    if ($problem) { throw "$Path is not restricted to Administrators and SYSTEM ($problem): nothing holding the key is written there. Run again to take the folder over." }
}

function Protect-MeshFolder([string]$Path) {
    # Creates the folder when missing, then takes it over whoever made it: owner Administrators, exactly
    # Administrators and SYSTEM, protected (Set-Acl enables SeRestorePrivilege, so an elevated
    # administrator can do this to a folder another account made and locked). The result is read
    # back and checked; what was inside before is not trusted: an item another account owns or may
    # change (a file, a link to somewhere it reads) is refused, named, and left for a person.
    $Path = $Path -replace '([^\\:])\\+$', '$1'
    if (-not (Test-Path -LiteralPath $Path -PathType Container)) {
        $null = New-Item -Path $Path -ItemType Directory -Force
    }
    if ((Get-Item -LiteralPath $Path -Force).Attributes -band [IO.FileAttributes]::ReparsePoint) {
        throw "$Path is a link (junction or symbolic link) to another folder, which another account may have made: delete the link (Remove-Item -LiteralPath '$Path'), then run again."
    }
    $descriptor = New-Object System.Security.AccessControl.DirectorySecurity
    $descriptor.SetSecurityDescriptorSddlForm($MeshAdminOnlySddl)
    Set-Acl -LiteralPath $Path -AclObject $descriptor
    $problem = Get-MeshAdminOnlyProblem -Path $Path
    if ($problem) { throw "$Path could not be restricted to Administrators and SYSTEM ($problem): nothing was written into it. Check the folder's owner and permissions (icacls `"$Path`"), then run again." }
    # The account running this may own what it wrote before (where Windows makes an administrator's
    # files theirs rather than the Administrators group's).
    $me = [Security.Principal.WindowsIdentity]::GetCurrent().User.Value
    foreach ($child in @(Get-ChildItem -LiteralPath $Path -Force)) {
        $childProblem = Get-MeshUntrustedProblem -Path $child.FullName -AlsoTrusted @($me)
        if ($childProblem) {
            throw "$Path holds $($child.FullName), which another account put there ($childProblem): nothing was written into the folder. Delete that item as an administrator (Remove-Item -LiteralPath '$($child.FullName)' -Recurse -Force), then run again."
        }
    }
}

function Confirm-MeshTrustedFolder([string]$Folder) {
    # A folder a file we write goes into: created now and taken over when missing; otherwise why
    # another account could change it ($null when only SYSTEM, Administrators or TrustedInstaller
    # can). An existing folder is never re-permissioned: it may be someone else's (Tailscale's, a user's).
    if (-not (Test-Path -LiteralPath $Folder -PathType Container)) {
        Protect-MeshFolder -Path $Folder
        return $null
    }
    Get-MeshUntrustedProblem -Path $Folder
}

function Confirm-MeshScriptFolder([string]$Folder, [string]$StateDir) {
    # The join script's folder: the state directory (already taken over), or a trusted folder. Another
    # account's folder is refused and left as it is: a script an administrator runs must not be
    # replaceable by them.
    if ($Folder.TrimEnd('\') -eq $StateDir.TrimEnd('\')) { return }
    $problem = Confirm-MeshTrustedFolder -Folder $Folder
    if ($problem) {
        throw "the join script's folder $Folder is not safe for a script an administrator runs: $problem, so that account could replace the script. Leave joinScriptPath at its default (in $StateDir) or choose a folder only Administrators can change; or delete $Folder so that it is created anew. Its permissions were left as they are."
    }
}

# The simulated host's state and the helpers every stand-in shares (pwsh 7, simulator only).
# The state is HostState (host-state.ts) as JSON in the sandbox; stand-ins read it, change it and
# write it back on every call, so the simulated native programs (served by backends/pwsh/index.ts) and the
# stand-ins always see one state. Set by the prelude header (backends/pwsh/index.ts): $SimStatePath,
# $SimRecordPath, $SimProgramDir, $SimDefaultReaders, $SimUsersSid, $SimTailscaleExe.
# Each stand-in for a cmdlet begins with Set-StrictMode -Off: a cmdlet is compiled code, which the
# calling script's strict mode does not reach; the stand-in must not inherit it either.

function Read-SimState {
    # -DateKind String: a value that looks like a date stays the string it was written as.
    [IO.File]::ReadAllText($SimStatePath) | Microsoft.PowerShell.Utility\ConvertFrom-Json -AsHashtable -DateKind String
}

function Save-SimState($State) {
    [IO.File]::WriteAllText($SimStatePath, (Microsoft.PowerShell.Utility\ConvertTo-Json -InputObject $State -Depth 32))
}

function Get-SimFileBytes($File) {
    # A file's bytes: an upload's blob (simulator/blobs.ts, in $env:MESH_SIM_BLOB_DIR), else its text as UTF-8.
    # The leading comma keeps the byte[] whole instead of sending its bytes down the pipeline one by one.
    if ($File.blob) { return , [IO.File]::ReadAllBytes([IO.Path]::Combine($env:MESH_SIM_BLOB_DIR, $File.blob)) }
    , [Text.Encoding]::UTF8.GetBytes([string]$File.content)
}

function Find-SimKey($Table, [string]$Name) {
    # NTFS and the registry compare names case-insensitively but keep the case they were created with.
    foreach ($key in @($Table.Keys)) {
        if ([string]::Equals($key, $Name, [StringComparison]::OrdinalIgnoreCase)) { return $key }
    }
    $null
}

function Test-SimDrivePath([string]$Path) {
    $Path -match '^[A-Za-z]:([\\/]|$)'
}

function ConvertTo-SimPath([string]$Path) {
    # Canonical Windows form: backslashes, no empty, "." or ".." segments, no trailing separator,
    # trailing dots and spaces trimmed from names (as the Win32 API does). Characters Windows forbids
    # in names fail as they would there.
    $body = $Path.Substring(2) -replace '/', '\'
    if ($body -match '[<>"|*?\x00-\x1f]') {
        throw [IO.IOException]::new('The filename, directory name, or volume label syntax is incorrect.')
    }
    if ($body.Contains(':')) { throw [NotSupportedException]::new("The given path's format is not supported.") }
    $segments = New-Object System.Collections.Generic.List[string]
    foreach ($segment in $body.Split('\')) {
        if ($segment -eq '..') {
            if ($segments.Count -gt 0) { $segments.RemoveAt($segments.Count - 1) }
            continue
        }
        $name = $segment.TrimEnd([char[]]@('.', ' '))
        if ($name -ne '') { $segments.Add($name) }
    }
    $Path.Substring(0, 2) + '\' + ($segments -join '\')
}

function Get-SimParentPath([string]$Path) {
    $cut = $Path.LastIndexOf('\')
    if ($cut -le 2) { return $Path.Substring(0, 3) }
    $Path.Substring(0, $cut)
}

function Get-SimLeafName([string]$Path) {
    $Path.Substring($Path.LastIndexOf('\') + 1)
}

function Get-SimSystemItem($State) {
    # What Windows itself provides: derived from the state, never stored in it.
    $dirs = @('C:\Program Files', 'C:\Users', 'C:\Windows', 'C:\Windows\System32', 'C:\Windows\Temp')
    $files = @('C:\Windows\System32\icacls.exe', 'C:\Windows\System32\msiexec.exe')
    if ($State.tailscale.installed) {
        $dirs += (Get-SimParentPath -Path $SimTailscaleExe)
        $files += $SimTailscaleExe
    }
    @{ dirs = $dirs; files = $files }
}

function Get-SimEntry($State, [string]$Path) {
    # The item at a canonical path: @{ kind = 'file' | 'dir'; path = name as stored; system = $bool }.
    $key = Find-SimKey -Table $State.files -Name $Path
    if ($null -ne $key) { return @{ kind = 'file'; path = $key; system = $false } }
    $key = Find-SimKey -Table $State.dirs -Name $Path
    if ($null -ne $key) { return @{ kind = 'dir'; path = $key; system = $false } }
    $system = Get-SimSystemItem -State $State
    foreach ($kind in @('dir', 'file')) {
        foreach ($candidate in $system["$($kind)s"]) {
            if ([string]::Equals($candidate, $Path, [StringComparison]::OrdinalIgnoreCase)) {
                return @{ kind = $kind; path = $candidate; system = $true }
            }
        }
    }
    $null
}

function Get-SimDirectoryReaders($State, [string]$Path) {
    $key = Find-SimKey -Table $State.dirs -Name $Path
    if ($null -ne $key) { return @($State.dirs[$key]) }
    @($SimDefaultReaders)
}

function Get-SimChildPath($State, [string]$Directory) {
    $system = Get-SimSystemItem -State $State
    $all = @($State.files.Keys) + @($State.dirs.Keys) + $system.dirs + $system.files
    foreach ($path in $all) {
        if ($path.Length -gt 3 -and [string]::Equals((Get-SimParentPath -Path $path), $Directory, [StringComparison]::OrdinalIgnoreCase)) {
            $path
        }
    }
}

function Assert-SimWritable($State, [string]$Path) {
    # HostState.unwritable: folders (at any depth) where creating or rewriting an item is denied.
    $parent = Get-SimParentPath -Path $Path
    foreach ($folder in @($State['unwritable'])) {
        if (-not $folder) { continue }
        $folder = ConvertTo-SimPath -Path $folder
        if ([string]::Equals($parent, $folder, [StringComparison]::OrdinalIgnoreCase) -or
            $parent.StartsWith($folder.TrimEnd('\') + '\', [StringComparison]::OrdinalIgnoreCase)) {
            throw [UnauthorizedAccessException]::new("Access to the path '$Path' is denied.")
        }
    }
}

function Assert-SimFolder($State, [string]$Path) {
    # Creating an item needs its folder, as on Windows, and that folder must be writable.
    $parent = Get-SimParentPath -Path $Path
    $entry = Get-SimEntry -State $State -Path $parent
    if ($null -eq $entry -or $entry.kind -ne 'dir') {
        throw [IO.DirectoryNotFoundException]::new("Could not find a part of the path '$Path'.")
    }
    Assert-SimWritable -State $State -Path $Path
    $entry.path
}

function Write-SimFile($State, [string]$Path, [string]$Content) {
    # A new file inherits its folder's readers; rewriting a file keeps its own.
    $key = Find-SimKey -Table $State.files -Name $Path
    if ($null -ne $key) {
        Assert-SimWritable -State $State -Path $key
        $State.files[$key].content = $Content
    } else {
        $folder = Assert-SimFolder -State $State -Path $Path
        $key = $Path
        $State.files[$key] = [ordered]@{ content = $Content; readers = @(Get-SimDirectoryReaders -State $State -Path $folder) }
    }
    Test-SimExposure -State $State -Path $key
}

function Test-SimExposure($State, [string]$Path) {
    # A file carrying an auth key (a key file, or a join script with its data) must never be within
    # reach of another account, not even for a moment: every change is saved and checked by the one
    # security model (simulator/security.ts), which records a breach for the tests.
    $file = $State.files[$Path]
    $secret = ((Get-SimLeafName -Path $Path) -like 'authkey-*') -or ($file.content -match '\$MeshJoinData = ''[A-Za-z0-9+/=]+''')
    if ($secret) {
        Save-SimState -State $State
        $null = & ([IO.Path]::Combine($SimProgramDir, 'security-manager.ps1')) 'check' $Path ''
    }
}

function Move-SimSecurity($State, [string]$From, [string]$To) {
    # An item's own security goes with it when it moves, and goes when it is removed ($To empty).
    if (-not $State.Contains('security') -or $null -eq $State.security) { return }
    $record = $null
    foreach ($key in @($State.security.Keys)) {
        $same = [string]::Equals($key, $From, [StringComparison]::OrdinalIgnoreCase)
        if ($same) { $record = $State.security[$key] }
        $replaced = $To -and [string]::Equals($key, $To, [StringComparison]::OrdinalIgnoreCase)
        if ($same -or $replaced -or $key.StartsWith($From + '\', [StringComparison]::OrdinalIgnoreCase)) { $State.security.Remove($key) }
    }
    if ($To -and $null -ne $record) { $State.security[$To] = $record }
}

function Assert-SimSupported($Bound, [string]$Command, [string[]]$Supported) {
    # Stand-ins declare Windows PowerShell 5.1's whole parameter set, so a parameter 5.1 lacks fails
    # at binding; one it has but the simulator does not model fails here, loudly.
    $common = @('Verbose', 'Debug', 'ErrorAction', 'WarningAction', 'InformationAction', 'ErrorVariable',
        'WarningVariable', 'InformationVariable', 'OutVariable', 'OutBuffer', 'PipelineVariable', 'WhatIf', 'Confirm')
    foreach ($name in @($Bound.Keys)) {
        if ($name -eq 'ProgressAction') {
            # A common parameter only since PowerShell 7.4.
            throw [Management.Automation.ParameterBindingException]::new("A parameter cannot be found that matches parameter name 'ProgressAction'.")
        }
        if ($name -notin $common -and $name -notin $Supported) {
            throw [NotSupportedException]::new("simulator: $Command -$name is not simulated")
        }
    }
}

function Write-SimError([string]$Message, [Management.Automation.ErrorCategory]$Category, [string]$Id, $Target) {
    # A non-terminating error, as the real cmdlet writes it: -ErrorAction decides what happens next.
    $record = [Management.Automation.ErrorRecord]::new([Exception]::new($Message), $Id, $Category, $Target)
    $PSCmdlet.WriteError($record)
}

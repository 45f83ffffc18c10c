# Registry under HKLM: keys live in HostState.registry (key path as PowerShell writes it, e.g.
# 'HKLM:\SOFTWARE\Tailscale IPN' -> value name -> value), compared case-insensitively. Keys every
# Windows has are implied (not stored); Tailscale's product key is stored, as its installer writes it.

$SimUninstallKey = 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall'

function Test-SimRegistryPath([string]$Path) {
    $Path -match '^(HKLM:|(Microsoft\.PowerShell\.Core\\)?Registry::HKEY_LOCAL_MACHINE)'
}

function ConvertTo-SimRegistryPath([string]$Path) {
    $rest = $Path -replace '^(HKLM:|(Microsoft\.PowerShell\.Core\\)?Registry::HKEY_LOCAL_MACHINE)', ''
    $rest = ($rest -replace '/', '\').Trim('\')
    if ($rest -eq '') { return 'HKLM:\' }
    'HKLM:\' + $rest
}

function Get-SimSystemKey($State) {
    # Keys every Windows has, and one other installed product, so lookups must pick Tailscale's.
    $keys = [ordered]@{
        'HKLM:\SOFTWARE' = @{}
        'HKLM:\SOFTWARE\Microsoft' = @{}
        'HKLM:\SOFTWARE\Microsoft\Windows' = @{}
        'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion' = @{}
        'HKLM:\SOFTWARE\Policies' = @{}
        'HKLM:\SYSTEM' = @{}
    }
    $keys[$SimUninstallKey] = @{}
    $keys["$SimUninstallKey\{5F1E8C66-3CE4-4C2F-8C2B-0D6D7E8A9B10}"] = @{ DisplayName = 'Microsoft Edge'; Publisher = 'Microsoft Corporation' }
    $keys
}

function Get-SimRegistryKey($State, [string]$Path) {
    # @{ path = key as stored; values = table; system = $bool }, or $null.
    $key = Find-SimKey -Table $State.registry -Name $Path
    if ($null -ne $key) { return @{ path = $key; values = $State.registry[$key]; system = $false } }
    $system = Get-SimSystemKey -State $State
    $key = Find-SimKey -Table $system -Name $Path
    if ($null -ne $key) { return @{ path = $key; values = $system[$key]; system = $true } }
    $null
}

function Resolve-SimRegistryPath($State, [string[]]$Path, [string[]]$LiteralPath) {
    # -Path may end in a wildcard (e.g. ...\Uninstall\*); -LiteralPath never does.
    foreach ($item in $LiteralPath) { ConvertTo-SimRegistryPath -Path $item }
    foreach ($item in $Path) {
        $canonical = ConvertTo-SimRegistryPath -Path $item
        if (-not [WildcardPattern]::ContainsWildcardCharacters($canonical)) { $canonical; continue }
        $parent = $canonical.Substring(0, $canonical.LastIndexOf('\'))
        if ([WildcardPattern]::ContainsWildcardCharacters($parent)) { throw [NotSupportedException]::new("simulator: wildcards above the last key of $item are not simulated") }
        $pattern = [WildcardPattern]::new($canonical.Substring($parent.Length + 1), [Management.Automation.WildcardOptions]::IgnoreCase)
        $all = @($State.registry.Keys) + @((Get-SimSystemKey -State $State).Keys)
        foreach ($key in $all) {
            $cut = $key.LastIndexOf('\')
            if ([string]::Equals($key.Substring(0, $cut), $parent, [StringComparison]::OrdinalIgnoreCase) -and $pattern.IsMatch($key.Substring($cut + 1))) { $key }
        }
    }
}

function New-SimRegistryItem($Key) {
    $native = 'HKEY_LOCAL_MACHINE' + $Key.path.Substring(5).TrimEnd('\')
    $item = [ordered]@{}
    foreach ($name in @($Key.values.Keys)) { $item[$name] = $Key.values[$name] }
    $item.PSPath = "Microsoft.PowerShell.Core\Registry::$native"
    $item.PSParentPath = 'Microsoft.PowerShell.Core\Registry::' + $native.Substring(0, $native.LastIndexOf('\'))
    $item.PSChildName = $native.Substring($native.LastIndexOf('\') + 1)
    [pscustomobject]$item
}

function Test-SimRegistryWrite($State, [string]$Path) {
    # Writing under HKLM needs an elevated token; without one, the cmdlet writes this error.
    if ($State.isAdmin) { return $true }
    Write-SimError -Message 'Requested registry access is not allowed.' -Category PermissionDenied -Id 'System.Security.SecurityException' -Target $Path
    $false
}

function Write-SimKeyNotFound([string]$Path) {
    Write-SimError -Message "Cannot find path '$Path' because it does not exist." -Category ObjectNotFound -Id 'PathNotFound' -Target $Path
}

function Get-ItemProperty {
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    param(
        [Parameter(ParameterSetName = 'Path', Mandatory, Position = 0, ValueFromPipelineByPropertyName)] [string[]]$Path,
        [Parameter(ParameterSetName = 'LiteralPath', Mandatory, ValueFromPipelineByPropertyName)] [Alias('PSPath')] [string[]]$LiteralPath,
        [Parameter(Position = 1)] [Alias('PSProperty')] [string[]]$Name,
        [string]$Filter, [string[]]$Include, [string[]]$Exclude, [pscredential]$Credential, [switch]$UseTransaction
    )
    process {
        Set-StrictMode -Off
        $all = @($Path) + @($LiteralPath) | Where-Object { $_ }
        if (@($all | Where-Object { -not (Test-SimRegistryPath -Path $_) }).Count -gt 0) {
            return Microsoft.PowerShell.Management\Get-ItemProperty @PSBoundParameters
        }
        Assert-SimSupported $PSBoundParameters 'Get-ItemProperty' @('Path', 'LiteralPath', 'Name')
        $state = Read-SimState
        foreach ($keyPath in @(Resolve-SimRegistryPath -State $state -Path $Path -LiteralPath $LiteralPath)) {
            $key = Get-SimRegistryKey -State $state -Path $keyPath
            if ($null -eq $key) { Write-SimKeyNotFound -Path $keyPath; continue }
            if (-not $Name) { New-SimRegistryItem -Key $key; continue }
            $missing = @($Name | Where-Object { $null -eq (Find-SimKey -Table $key.values -Name $_) })
            if ($missing.Count -gt 0) {
                foreach ($valueName in $missing) {
                    $native = 'HKEY_LOCAL_MACHINE' + $key.path.Substring(5)
                    Write-SimError -Message "Property $valueName does not exist at path $native." -Category InvalidArgument -Id 'System.Management.Automation.PSArgumentException' -Target $valueName
                }
                continue
            }
            $picked = @{ path = $key.path; values = [ordered]@{} }
            foreach ($valueName in $Name) {
                $stored = Find-SimKey -Table $key.values -Name $valueName
                $picked.values[$stored] = $key.values[$stored]
            }
            New-SimRegistryItem -Key $picked
        }
    }
}

function Set-ItemProperty {
    [CmdletBinding(DefaultParameterSetName = 'propertyValuePathSet', SupportsShouldProcess)]
    param(
        [Parameter(ParameterSetName = 'propertyPSObjectPathSet', Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [Parameter(ParameterSetName = 'propertyValuePathSet', Mandatory, Position = 0, ValueFromPipelineByPropertyName)] [string[]]$Path,
        [Parameter(ParameterSetName = 'propertyPSObjectLiteralPathSet', Mandatory, ValueFromPipelineByPropertyName)]
        [Parameter(ParameterSetName = 'propertyValueLiteralPathSet', Mandatory, ValueFromPipelineByPropertyName)] [Alias('PSPath')] [string[]]$LiteralPath,
        [Parameter(ParameterSetName = 'propertyValuePathSet', Mandatory, Position = 1, ValueFromPipelineByPropertyName)]
        [Parameter(ParameterSetName = 'propertyValueLiteralPathSet', Mandatory, Position = 1, ValueFromPipelineByPropertyName)] [Alias('PSProperty')] [string]$Name,
        [Parameter(ParameterSetName = 'propertyValuePathSet', Mandatory, Position = 2, ValueFromPipelineByPropertyName)]
        [Parameter(ParameterSetName = 'propertyValueLiteralPathSet', Mandatory, Position = 2, ValueFromPipelineByPropertyName)] [AllowNull()] [AllowEmptyString()] [object]$Value,
        [Parameter(ParameterSetName = 'propertyPSObjectPathSet', Mandatory, ValueFromPipeline)]
        [Parameter(ParameterSetName = 'propertyPSObjectLiteralPathSet', Mandatory, ValueFromPipeline)] [psobject]$InputObject,
        [switch]$PassThru, [switch]$Force, [string]$Filter, [string[]]$Include, [string[]]$Exclude, [pscredential]$Credential,
        [switch]$UseTransaction, [Microsoft.Win32.RegistryValueKind]$Type
    )
    process {
        Set-StrictMode -Off
        $all = @($Path) + @($LiteralPath) | Where-Object { $_ }
        if (@($all | Where-Object { -not (Test-SimRegistryPath -Path $_) }).Count -gt 0) {
            return Microsoft.PowerShell.Management\Set-ItemProperty @PSBoundParameters
        }
        Assert-SimSupported $PSBoundParameters 'Set-ItemProperty' @('Path', 'LiteralPath', 'Name', 'Value', 'Type', 'Force')
        $state = Read-SimState
        foreach ($keyPath in @(Resolve-SimRegistryPath -State $state -Path $Path -LiteralPath $LiteralPath)) {
            $key = Get-SimRegistryKey -State $state -Path $keyPath
            if ($null -eq $key) { Write-SimKeyNotFound -Path $keyPath; continue }
            if ($key.system) { throw [NotSupportedException]::new("simulator: writing to $($key.path) is not simulated") }
            if (-not (Test-SimRegistryWrite -State $state -Path $key.path)) { continue }
            # A number is stored as a DWORD, anything else as a string (REG_SZ), as the registry provider does.
            $stored = if ($Value -is [int] -or $Value -is [long] -or $Type -eq 'DWord') { [long]$Value } else { [string]$Value }
            $existing = Find-SimKey -Table $key.values -Name $Name
            if ($null -eq $existing) { $existing = $Name }
            $state.registry[$key.path][$existing] = $stored
        }
        Save-SimState -State $state
    }
}

function Remove-ItemProperty {
    [CmdletBinding(DefaultParameterSetName = 'Path', SupportsShouldProcess)]
    param(
        [Parameter(ParameterSetName = 'Path', Mandatory, Position = 0, ValueFromPipelineByPropertyName)] [string[]]$Path,
        [Parameter(ParameterSetName = 'LiteralPath', Mandatory, ValueFromPipelineByPropertyName)] [Alias('PSPath')] [string[]]$LiteralPath,
        [Parameter(Mandatory, Position = 1, ValueFromPipelineByPropertyName)] [Alias('PSProperty')] [string[]]$Name,
        [switch]$Force, [string]$Filter, [string[]]$Include, [string[]]$Exclude, [pscredential]$Credential, [switch]$UseTransaction
    )
    process {
        Set-StrictMode -Off
        $all = @($Path) + @($LiteralPath) | Where-Object { $_ }
        if (@($all | Where-Object { -not (Test-SimRegistryPath -Path $_) }).Count -gt 0) {
            return Microsoft.PowerShell.Management\Remove-ItemProperty @PSBoundParameters
        }
        Assert-SimSupported $PSBoundParameters 'Remove-ItemProperty' @('Path', 'LiteralPath', 'Name', 'Force')
        $state = Read-SimState
        foreach ($keyPath in @(Resolve-SimRegistryPath -State $state -Path $Path -LiteralPath $LiteralPath)) {
            $key = Get-SimRegistryKey -State $state -Path $keyPath
            if ($null -eq $key) { Write-SimKeyNotFound -Path $keyPath; continue }
            if (-not (Test-SimRegistryWrite -State $state -Path $key.path)) { continue }
            foreach ($valueName in $Name) {
                $stored = Find-SimKey -Table $key.values -Name $valueName
                if ($null -eq $stored) {
                    $native = 'HKEY_LOCAL_MACHINE' + $key.path.Substring(5)
                    Write-SimError -Message "Property $valueName does not exist at path $native." -Category InvalidArgument -Id 'System.Management.Automation.PSArgumentException' -Target $valueName
                    continue
                }
                $state.registry[$key.path].Remove($stored)
            }
        }
        Save-SimState -State $state
    }
}

function New-SimRegistryKey($State, [string]$Path, [bool]$Force) {
    # New-Item on a key. With -Force an existing key is recreated empty: its values are lost, as on
    # Windows (which is why scripts test for the key first).
    $existing = Get-SimRegistryKey -State $State -Path $Path
    if ($null -ne $existing) {
        if (-not $Force) { throw [IO.IOException]::new('A key at this path already exists.') }
        if ($existing.system) { throw [NotSupportedException]::new("simulator: recreating $($existing.path) is not simulated") }
        $State.registry[$existing.path] = [ordered]@{}
        return $existing.path
    }
    $parent = $Path.Substring(0, $Path.LastIndexOf('\'))
    if ($null -eq (Get-SimRegistryKey -State $State -Path $parent)) {
        if (-not $Force) { throw [Management.Automation.ItemNotFoundException]::new("Cannot find path '$parent' because it does not exist.") }
        $null = New-SimRegistryKey -State $State -Path $parent -Force $true
    }
    $State.registry[$Path] = [ordered]@{}
    $Path
}

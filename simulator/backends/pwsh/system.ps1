# The rest of the Windows the steps touch: the operating system, the host program, the current user,
# network adapters, the web (pkgs.tailscale.com), processes, the programs (native-program.ps1), and
# the cmdlets that differ between Windows PowerShell 5.1 and pwsh 7. Parameter sets are 5.1's.
# Set by the prelude header: $SimProgramDir, $SimMsiIndex (JSON).

# ---------------------------------------------------------------- operating system, host, user

function Get-CimInstance {
    [CmdletBinding(DefaultParameterSetName = 'ClassNameComputerSet')]
    param(
        [Parameter(ParameterSetName = 'ClassNameComputerSet', Mandatory, Position = 0)] [string]$ClassName,
        [string]$Namespace, [Alias('CN', 'ServerName')] [string[]]$ComputerName, [string]$Filter, [Alias('SelectProperties')] [string[]]$Property,
        [switch]$KeyOnly, [switch]$Shallow, [Alias('OT')] [uint32]$OperationTimeoutSec,
        [Parameter(ParameterSetName = 'CimSessionSet', Mandatory)] [object[]]$CimSession,
        [Parameter(ParameterSetName = 'ResourceUriSet', Mandatory)] [uri]$ResourceUri,
        [Parameter(ParameterSetName = 'QuerySet', Mandatory)] [string]$Query, [string]$QueryDialect,
        [Parameter(ParameterSetName = 'InputObjectSet', Mandatory, ValueFromPipeline)] [Alias('CimInstance')] [object]$InputObject
    )
    Set-StrictMode -Off
    Assert-SimSupported $PSBoundParameters 'Get-CimInstance' @('ClassName', 'Namespace', 'Filter')
    $state = Read-SimState
    switch ($ClassName) {
        'Win32_OperatingSystem' { return [pscustomobject]@{ Caption = $state.os.caption; Version = $state.os.version; CSName = $state.computerName; OSArchitecture = '64-bit' } }
        'Win32_LogicalDisk' {
            if ($Filter -ne "DeviceID='C:'") { throw [NotSupportedException]::new("simulator: Win32_LogicalDisk filter $Filter is not simulated") }
            $freeMb = 40960
            if ($null -ne $state.freeDiskMb) { $freeMb = $state.freeDiskMb }
            return [pscustomobject]@{ DeviceID = 'C:'; FreeSpace = [uint64]$freeMb * 1MB; Size = [uint64]127 * 1GB }
        }
        'Win32_Process' {
            if ($Filter -notmatch '^ProcessId=(\d+)$') { throw [NotSupportedException]::new("simulator: Win32_Process filter $Filter is not simulated") }
            $id = [int]$Matches[1]
            foreach ($binding in @($state.udpBindings | Where-Object { $_ -and $_.pid -eq $id } | Select-Object -First 1)) {
                [pscustomobject]@{ ProcessId = $id; Name = $binding.process }
            }
            return
        }
    }
    throw [NotSupportedException]::new("simulator: Get-CimInstance $ClassName is not simulated")
}

function Get-Host {
    # ConsoleHost: the same version as the engine under powershell.exe.
    [CmdletBinding()]
    param()
    Set-StrictMode -Off
    $state = Read-SimState
    [pscustomobject]@{ Name = 'ConsoleHost'; Version = [version]$state.powershellVersion; InstanceId = [guid]::NewGuid() }
}

# Windows' identity types, which throw on Linux: the short names resolve to these instead
# (a type accelerator). Scripts must write [Security.Principal.WindowsIdentity], as Windows code does;
# the System.-prefixed names still reach the real, Windows-only types.
class SimWindowsIdentity {
    [string]$Name
    [bool]$IsAdministrator
    # The account's SID (a SecurityIdentifier on Windows; its Value is what scripts read).
    [object]$User
    static [SimWindowsIdentity] GetCurrent() {
        $state = [IO.File]::ReadAllText([IO.Path]::Combine($env:MESH_SIM_DIR, 'state.json')) | Microsoft.PowerShell.Utility\ConvertFrom-Json
        $identity = [SimWindowsIdentity]::new()
        $identity.Name = $state.computerName + '\Administrator'
        $identity.IsAdministrator = $state.isAdmin
        $identity.User = [pscustomobject]@{ Value = $env:MESH_SIM_USER_SID }
        return $identity
    }
}

class SimWindowsPrincipal {
    hidden [SimWindowsIdentity]$Identity
    SimWindowsPrincipal([SimWindowsIdentity]$identity) { $this.Identity = $identity }
    [bool] IsInRole([Security.Principal.WindowsBuiltInRole]$role) {
        return $role -eq [Security.Principal.WindowsBuiltInRole]::Administrator -and $this.Identity.IsAdministrator
    }
}

$SimAccelerators = [psobject].Assembly.GetType('System.Management.Automation.TypeAccelerators')
$SimAccelerators::Add('Security.Principal.WindowsIdentity', [SimWindowsIdentity])
$SimAccelerators::Add('Security.Principal.WindowsPrincipal', [SimWindowsPrincipal])

# ---------------------------------------------------------------- network

function Get-SimAdapter($State) {
    # A NIC, and Tailscale's Wintun adapter while Tailscale is installed (named by its description).
    $adapters = @([pscustomobject]@{ Name = 'Ethernet'; InterfaceDescription = 'Microsoft Hyper-V Network Adapter'; ifIndex = 6; InterfaceIndex = 6; Status = 'Up'; Addresses = @('10.0.0.5', 'fe80::215:5dff:fe00:105') })
    $index = 20
    foreach ($other in @($State.otherAdapters | Where-Object { $_ })) {
        $index++
        $adapters += [pscustomobject]@{ Name = $other.name; InterfaceDescription = $other.description; ifIndex = $index; InterfaceIndex = $index; Status = 'Up'; Addresses = @() }
    }
    if ($State.tailscale.installed) {
        $adapters += [pscustomobject]@{ Name = 'Tailscale'; InterfaceDescription = 'Tailscale Tunnel'; ifIndex = 12; InterfaceIndex = 12; Status = 'Up'; Addresses = @($State.adapterIps) + 'fe80::c0a8:7d12' }
    }
    $adapters
}

function Get-NetAdapter {
    [CmdletBinding(DefaultParameterSetName = 'ByName')]
    param(
        [Parameter(ParameterSetName = 'ByName', Position = 0)] [Alias('ifAlias', 'InterfaceAlias')] [string[]]$Name,
        [Parameter(ParameterSetName = 'ByInstanceID', Mandatory)] [Alias('ifDesc')] [string[]]$InterfaceDescription,
        [Parameter(ParameterSetName = 'ByIfIndex', Mandatory)] [Alias('ifIndex')] [uint32[]]$InterfaceIndex,
        [switch]$IncludeHidden, [switch]$Physical, [Alias('Session')] [object[]]$CimSession, [int]$ThrottleLimit, [switch]$AsJob
    )
    Set-StrictMode -Off
    Assert-SimSupported $PSBoundParameters 'Get-NetAdapter' @('Name', 'InterfaceDescription', 'InterfaceIndex')
    $adapters = @(Get-SimAdapter -State (Read-SimState))
    foreach ($filter in @(@{ property = 'Name'; values = $Name }, @{ property = 'InterfaceDescription'; values = $InterfaceDescription }, @{ property = 'ifIndex'; values = $InterfaceIndex })) {
        foreach ($value in @($filter.values | Where-Object { $null -ne $_ })) {
            $found = @($adapters | Where-Object { $_.($filter.property) -like [string]$value })
            if ($found.Count -eq 0 -and -not [WildcardPattern]::ContainsWildcardCharacters([string]$value)) {
                Write-SimError -Message "No MSFT_NetAdapter objects found with property '$($filter.property)' equal to '$value'.  Verify the value of the property and retry." -Category ObjectNotFound -Id 'CmdletizationQuery_NotFound' -Target $value
            }
            $found
        }
    }
    if (-not ($Name -or $InterfaceDescription -or $InterfaceIndex)) { $adapters }
}

function Get-Process {
    # Only Tailscale's tray app in users' sessions is modelled (HostState.trayApps).
    [CmdletBinding(DefaultParameterSetName = 'Name')]
    param(
        [Parameter(ParameterSetName = 'Name', Position = 0)] [Alias('ProcessName')] [string[]]$Name,
        [Parameter(ParameterSetName = 'Id', Mandatory = $true)] [Alias('PID')] [int[]]$Id,
        [Parameter(ParameterSetName = 'InputObject', Mandatory = $true)] [object[]]$InputObject,
        [switch]$IncludeUserName, [Alias('Cn')] [string[]]$ComputerName, [Alias('Modules')] [switch]$Module,
        [Alias('FV', 'FVI')] [switch]$FileVersionInfo
    )
    Set-StrictMode -Off
    Assert-SimSupported $PSBoundParameters 'Get-Process' @('Name', 'IncludeUserName')
    $found = @(@((Read-SimState).trayApps) | Where-Object { $_ -and ($Name -contains 'tailscale-ipn') } | ForEach-Object {
            $process = [pscustomobject]@{ ProcessName = 'tailscale-ipn'; Id = [int]$_.pid }
            if ($IncludeUserName) { $process | Add-Member -NotePropertyName UserName -NotePropertyValue ([string]$_.user) }
            $process
        })
    if ($found.Count -eq 0) {
        Write-SimError -Message "Cannot find a process with the name ""$($Name -join ', ')"". Verify the process name and call the cmdlet again." -Category ObjectNotFound -Id 'NoProcessFoundForGivenName,Microsoft.PowerShell.Commands.GetProcessCommand' -Target $Name
    }
    $found
}

function Get-NetUDPEndpoint {
    # Only the ports other programs bind are modelled (HostState.udpBindings).
    [CmdletBinding()]
    param(
        [Parameter(Position = 0)] [string[]]$LocalAddress, [Parameter(Position = 1)] [uint16[]]$LocalPort, [uint32[]]$OwningProcess,
        [datetime[]]$CreationTime, [Alias('Session')] [object[]]$CimSession, [int]$ThrottleLimit, [switch]$AsJob
    )
    Set-StrictMode -Off
    Assert-SimSupported $PSBoundParameters 'Get-NetUDPEndpoint' @('LocalPort')
    $found = @((Read-SimState).udpBindings | Where-Object { $_ -and (-not $LocalPort -or $_.port -in $LocalPort) } | ForEach-Object {
            [pscustomobject]@{ LocalAddress = '0.0.0.0'; LocalPort = $_.port; OwningProcess = $_.pid }
        })
    if ($found.Count -eq 0) {
        Write-SimError -Message 'No MSFT_NetUDPEndpoint objects found with property ''LocalPort'' equal to ''41641''.  Verify the value of the property and retry.' -Category ObjectNotFound -Id 'CmdletizationQuery_NotFound_LocalPort,Get-NetUDPEndpoint' -Target $LocalPort
    }
    $found
}

function Get-NetIPAddress {
    [CmdletBinding(DefaultParameterSetName = 'ByName')]
    param(
        [Parameter(Position = 0)] [Alias('LocalAddress')] [string[]]$IPAddress,
        [Alias('ifIndex')] [uint32[]]$InterfaceIndex, [Alias('ifAlias')] [string[]]$InterfaceAlias,
        [ValidateSet('IPv4', 'IPv6')] [string[]]$AddressFamily, [string[]]$Type, [byte[]]$PrefixLength, [string[]]$PrefixOrigin,
        [string[]]$SuffixOrigin, [string[]]$AddressState, [timespan[]]$ValidLifetime, [timespan[]]$PreferredLifetime,
        [bool[]]$SkipAsSource, [object]$AssociatedIPInterface, [string]$PolicyStore, [switch]$IncludeAllCompartments,
        [Alias('Session')] [object[]]$CimSession, [int]$ThrottleLimit, [switch]$AsJob
    )
    Set-StrictMode -Off
    Assert-SimSupported $PSBoundParameters 'Get-NetIPAddress' @('InterfaceIndex', 'InterfaceAlias', 'AddressFamily')
    $loopback = [pscustomobject]@{ Name = 'Loopback Pseudo-Interface 1'; ifIndex = 1; Addresses = @('127.0.0.1', '::1') }
    $found = foreach ($adapter in @(Get-SimAdapter -State (Read-SimState)) + $loopback) {
        if ($InterfaceIndex -and $adapter.ifIndex -notin $InterfaceIndex) { continue }
        if ($InterfaceAlias -and -not @($InterfaceAlias | Where-Object { $adapter.Name -like $_ })) { continue }
        foreach ($address in $adapter.Addresses) {
            $family = if ($address.Contains(':')) { 'IPv6' } else { 'IPv4' }
            if ($AddressFamily -and $family -notin $AddressFamily) { continue }
            [pscustomobject]@{ IPAddress = $address; InterfaceIndex = $adapter.ifIndex; InterfaceAlias = $adapter.Name; AddressFamily = $family; PrefixLength = if ($family -eq 'IPv4') { 32 } else { 128 } }
        }
    }
    if (@($found).Count -eq 0) {
        Write-SimError -Message 'No matching MSFT_NetIPAddress objects found by CIM query for instances of the ROOT/StandardCimv2/MSFT_NetIPAddress class on the  CIM server.' -Category ObjectNotFound -Id 'CmdletizationQuery_NotFound' -Target $null
    }
    $found
}

# ---------------------------------------------------------------- the web: pkgs.tailscale.com

function Get-SimHostName([string]$Uri) {
    if ($Uri -match '^https?://([^/:?#]+)') { return $Matches[1] }
    ''
}

function Add-SimWebRequest($State, $Bound, $Proxy) {
    # As web.ts records it: the proxy login's user, and its password only as a SHA-256.
    $request = [ordered]@{ method = 'GET'; url = $Bound['Uri'].OriginalString; proxy = $Proxy; proxyUser = $null; proxyPasswordSha256 = $null }
    if ($Bound['Method'] -eq 'Head') { $request.method = 'HEAD' }
    $credential = $Bound['ProxyCredential']
    if ($null -ne $credential) {
        $request.proxyUser = $credential.UserName
        $bytes = [Text.Encoding]::UTF8.GetBytes($credential.GetNetworkCredential().Password)
        $request.proxyPasswordSha256 = [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($bytes)).ToLowerInvariant()
    }
    $State['webRequests'] = @(@($State['webRequests'] | Where-Object { $null -ne $_ }) + $request)
}

function Invoke-SimWeb($Bound, [string]$Command) {
    Assert-SimSupported $Bound $Command @('Uri', 'OutFile', 'UseBasicParsing', 'Method', 'TimeoutSec', 'Proxy', 'ProxyCredential')
    $uri = [string]$Bound['Uri']
    if (-not $Bound['UseBasicParsing'] -and -not $Bound['OutFile']) {
        # Over SSH (or on Server Core) Internet Explorer's engine is not there to parse the page.
        throw [NotSupportedException]::new("The response content cannot be parsed because the Internet Explorer engine is not available, or Internet Explorer's first-launch configuration is not complete. Specify the UseBasicParsing parameter and try again.")
    }
    $proxy = $null
    if ($null -ne $Bound['Proxy']) { $proxy = $Bound['Proxy'].OriginalString }
    $state = Read-SimState
    Add-SimWebRequest -State $state -Bound $Bound -Proxy $proxy
    Save-SimState -State $state
    # The first host the request goes to (its proxy, when named) must be reachable; on a network
    # whose only way out is its proxy (webProxy), only its own hosts are reached without naming it.
    $target = Get-SimHostName -Uri $uri
    $first = $target
    if ($null -ne $proxy) { $first = Get-SimHostName -Uri $proxy }
    if (@($state.unreachableHosts) -contains $first) {
        throw [Net.WebException]::new('Unable to connect to the remote server')
    }
    if ($null -ne $state.webProxy -and @($state.webProxy.direct) -notcontains $target -and $proxy -cne $state.webProxy.url) {
        throw [Net.WebException]::new('Unable to connect to the remote server')
    }
    if ($Bound['Method'] -eq 'Head') {
        # Every server answers a HEAD with its time: the real time, which the host's clock may be ahead of.
        $skew = 0
        if ($null -ne $state.clockSkewSeconds) { $skew = $state.clockSkewSeconds }
        return [pscustomobject]@{ StatusCode = 200; Headers = @{ Date = (Microsoft.PowerShell.Utility\Get-Date).ToUniversalTime().AddSeconds(-$skew).ToString('r') } }
    }
    if ($uri -match '^https://pkgs\.tailscale\.com/stable/\?(.*&)?mode=json') {
        # The index is the one model's (simulator/programs/pkgs.ts), handed over by the prelude.
        return Microsoft.PowerShell.Utility\ConvertFrom-Json -InputObject $SimMsiIndex
    }
    if ($uri -match '^https?://[^/]+/[^?#]+\.msi(\?[^#]*)?$' -and $Bound['OutFile']) {
        $state = Read-SimState
        # As msiPackage (pkgs.ts): the package carries its URL, from which msiexec reads its version.
        Write-SimFile -State $state -Path (ConvertTo-SimPath -Path $Bound['OutFile']) -Content "MSI package from $uri"
        Save-SimState -State $state
        return
    }
    throw [Net.WebException]::new('The remote server returned an error: (404) Not Found.')
}

function Invoke-WebRequest {
    [CmdletBinding()]
    param(
        [switch]$UseBasicParsing, [Parameter(Mandatory, Position = 0)] [uri]$Uri, [object]$WebSession, [Alias('SV')] [string]$SessionVariable,
        [pscredential]$Credential, [switch]$UseDefaultCredentials, [string]$CertificateThumbprint, [object]$Certificate, [string]$UserAgent,
        [switch]$DisableKeepAlive, [int]$TimeoutSec, [System.Collections.IDictionary]$Headers, [int]$MaximumRedirection,
        [ValidateSet('Default', 'Get', 'Head', 'Post', 'Put', 'Delete', 'Trace', 'Options', 'Merge', 'Patch')] [string]$Method,
        [uri]$Proxy, [pscredential]$ProxyCredential, [switch]$ProxyUseDefaultCredentials, [Parameter(ValueFromPipeline)] [object]$Body,
        [string]$ContentType, [ValidateSet('chunked', 'compress', 'deflate', 'gzip', 'identity')] [string]$TransferEncoding,
        [string]$InFile, [string]$OutFile, [switch]$PassThru
    )
    Set-StrictMode -Off
    Invoke-SimWeb -Bound $PSBoundParameters -Command 'Invoke-WebRequest'
}

function Invoke-RestMethod {
    [CmdletBinding()]
    param(
        [ValidateSet('Default', 'Get', 'Head', 'Post', 'Put', 'Delete', 'Trace', 'Options', 'Merge', 'Patch')] [string]$Method,
        [switch]$UseBasicParsing, [Parameter(Mandatory, Position = 0)] [uri]$Uri, [object]$WebSession, [Alias('SV')] [string]$SessionVariable,
        [pscredential]$Credential, [switch]$UseDefaultCredentials, [string]$CertificateThumbprint, [object]$Certificate, [string]$UserAgent,
        [switch]$DisableKeepAlive, [int]$TimeoutSec, [System.Collections.IDictionary]$Headers, [int]$MaximumRedirection,
        [uri]$Proxy, [pscredential]$ProxyCredential, [switch]$ProxyUseDefaultCredentials, [Parameter(ValueFromPipeline)] [object]$Body,
        [string]$ContentType, [ValidateSet('chunked', 'compress', 'deflate', 'gzip', 'identity')] [string]$TransferEncoding,
        [string]$InFile, [string]$OutFile, [switch]$PassThru
    )
    Set-StrictMode -Off
    Invoke-SimWeb -Bound $PSBoundParameters -Command 'Invoke-RestMethod'
}

function Get-AuthenticodeSignature {
    # The signature every package of the scenario's server carries (simulator/programs/pkgs.ts),
    # handed over by the prelude; a file that is not there fails as 5.1 does.
    [CmdletBinding(DefaultParameterSetName = 'ByPath')]
    param(
        [Parameter(ParameterSetName = 'ByPath', Mandatory, Position = 0, ValueFromPipelineByPropertyName)] [string[]]$FilePath,
        [Parameter(ParameterSetName = 'ByLiteralPath', Mandatory, ValueFromPipelineByPropertyName)] [Alias('PSPath')] [string[]]$LiteralPath,
        [Parameter(ParameterSetName = 'ByContent', Mandatory)] [string]$SourcePathOrExtension,
        [Parameter(ParameterSetName = 'ByContent', Mandatory)] [byte[]]$Content
    )
    process {
        Set-StrictMode -Off
        Assert-SimSupported $PSBoundParameters 'Get-AuthenticodeSignature' @('LiteralPath')
        $state = Read-SimState
        foreach ($path in $LiteralPath) {
            $entry = Get-SimEntry -State $state -Path (ConvertTo-SimPath -Path $path)
            if (-not $entry -or $entry.kind -ne 'file') {
                Write-SimError -Message "Cannot find path '$path' because it does not exist." -Category ObjectNotFound -Id 'FileNotFound,Microsoft.PowerShell.Commands.GetAuthenticodeSignatureCommand' -Target $path
                continue
            }
            $signature = Microsoft.PowerShell.Utility\ConvertFrom-Json -InputObject $SimMsiSignature
            $certificate = $null
            if ($signature.subject) { $certificate = [pscustomobject]@{ Subject = $signature.subject } }
            [pscustomobject]@{ Path = $path; Status = $signature.status; SignerCertificate = $certificate }
        }
    }
}

# ---------------------------------------------------------------- processes and programs

function Stop-Process {
    # No interactive user's processes run on the simulated host (nothing real is ever stopped).
    [CmdletBinding(DefaultParameterSetName = 'Id', SupportsShouldProcess)]
    param(
        [Parameter(ParameterSetName = 'Id', Mandatory, Position = 0, ValueFromPipelineByPropertyName)] [int[]]$Id,
        [Parameter(ParameterSetName = 'Name', Mandatory, ValueFromPipelineByPropertyName)] [Alias('ProcessName')] [string[]]$Name,
        [Parameter(ParameterSetName = 'InputObject', Mandatory, Position = 0, ValueFromPipeline)] [object[]]$InputObject,
        [switch]$PassThru, [switch]$Force
    )
    Set-StrictMode -Off
    Assert-SimSupported $PSBoundParameters 'Stop-Process' @('Name', 'Force')
    foreach ($processName in $Name) {
        Write-SimError -Message "Cannot find a process with the name `"$processName`". Verify the process name and call the cmdlet again." -Category ObjectNotFound -Id 'NoProcessFoundForGivenName,Microsoft.PowerShell.Commands.StopProcessCommand' -Target $processName
    }
}

function Get-SimProgramPath([string]$Name) {
    # The stand-in script for a Windows program name, or $null where Windows has no such program.
    $state = Read-SimState
    $names = @{ 'icacls' = 'icacls'; 'icacls.exe' = 'icacls'; 'C:\Windows\System32\icacls.exe' = 'icacls'
        'msiexec' = 'msiexec'; 'msiexec.exe' = 'msiexec'; 'C:\Windows\System32\msiexec.exe' = 'msiexec' }
    if ($state.winget) { $names['winget'] = 'winget'; $names['winget.exe'] = 'winget' }
    # Tailscale's installer also puts its folder on PATH.
    if ($state.tailscale.installed) { $names[$SimTailscaleExe] = 'tailscale'; $names['tailscale'] = 'tailscale'; $names['tailscale.exe'] = 'tailscale' }
    $key = Find-SimKey -Table $names -Name $Name
    if ($null -eq $key) { return $null }
    [IO.Path]::Combine($SimProgramDir, $names[$key] + '.ps1')
}

function Get-Command {
    # Windows program names resolve to their stand-ins; everything else is pwsh's own Get-Command.
    [CmdletBinding(DefaultParameterSetName = 'CmdletSet')]
    param(
        [Parameter(ParameterSetName = 'CmdletSet', ValueFromPipelineByPropertyName)] [string[]]$Verb,
        [Parameter(ParameterSetName = 'CmdletSet', ValueFromPipelineByPropertyName)] [string[]]$Noun,
        [Parameter(ValueFromPipelineByPropertyName)] [Alias('PSSnapin')] [string[]]$Module,
        [Parameter(ValueFromPipelineByPropertyName)] [object[]]$FullyQualifiedModule,
        [Parameter(ParameterSetName = 'AllCommandSet', Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)] [string[]]$Name,
        [Parameter(ParameterSetName = 'AllCommandSet', ValueFromPipelineByPropertyName)] [Alias('Type')] [Management.Automation.CommandTypes]$CommandType,
        [Parameter(ValueFromPipelineByPropertyName)] [int]$TotalCount, [Parameter(ValueFromPipelineByPropertyName)] [switch]$Syntax,
        [switch]$ShowCommandInfo, [Parameter(Position = 1, ValueFromRemainingArguments)] [Alias('Args')] [object[]]$ArgumentList,
        [Parameter(ValueFromPipelineByPropertyName)] [switch]$All, [Parameter(ValueFromPipelineByPropertyName)] [switch]$ListImported,
        [string[]]$ParameterName, [object[]]$ParameterType
    )
    process {
        Set-StrictMode -Off
        $programs = @($Name | Where-Object { $_ -and ((Get-SimProgramPath -Name $_) -or $_ -match '^(winget|tailscale)(\.exe)?$' -or $_ -like '*\tailscale.exe') })
        if ($programs.Count -eq 0) { return Microsoft.PowerShell.Core\Get-Command @PSBoundParameters }
        Assert-SimSupported $PSBoundParameters 'Get-Command' @('Name', 'CommandType')
        foreach ($programName in $Name) {
            $path = Get-SimProgramPath -Name $programName
            if ($null -ne $path) { Microsoft.PowerShell.Core\Get-Command -Name $path; continue }
            $exception = [Management.Automation.CommandNotFoundException]::new("The term '$programName' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.")
            $PSCmdlet.WriteError([Management.Automation.ErrorRecord]::new($exception, 'CommandNotFoundException', 'ObjectNotFound', $programName))
        }
    }
}

# ---------------------------------------------------------------- 5.1's JSON cmdlets

function ConvertFrom-Json {
    # 5.1 has only -InputObject, and writes a JSON array as one object (pwsh 7 enumerates it); it
    # keeps a string that looks like a date a string (pwsh 7 makes it a DateTime unless told not to).
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0, ValueFromPipeline)] [AllowEmptyString()] [string]$InputObject)
    begin {
        Set-StrictMode -Off
        $text = New-Object System.Collections.Generic.List[string]
    }
    process { $text.Add($InputObject) }
    end {
        Assert-SimSupported $PSBoundParameters 'ConvertFrom-Json' @('InputObject')
        $PSCmdlet.WriteObject((Microsoft.PowerShell.Utility\ConvertFrom-Json -InputObject ($text -join "`n") -NoEnumerate -DateKind String), $false)
    }
}

function ConvertTo-Json {
    # 5.1 has only -InputObject, -Depth and -Compress.
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0, ValueFromPipeline)] [AllowNull()] [object]$InputObject, [int]$Depth = 2, [switch]$Compress)
    begin {
        Set-StrictMode -Off
        $objects = New-Object System.Collections.Generic.List[object]
    }
    process { $objects.Add($InputObject) }
    end {
        Assert-SimSupported $PSBoundParameters 'ConvertTo-Json' @('InputObject', 'Depth', 'Compress')
        $value = if ($objects.Count -eq 1) { $objects[0] } else { $objects.ToArray() }
        Microsoft.PowerShell.Utility\ConvertTo-Json -InputObject $value -Depth $Depth -Compress:$Compress
    }
}

# ---------------------------------------------------------------- commands only one of the two has

foreach ($sevenOnly in @('Join-String', 'Get-Error', 'Test-Json', 'ConvertFrom-Markdown', 'Show-Markdown', 'Get-MarkdownOption',
        'Set-MarkdownOption', 'Get-Uptime', 'Remove-Alias', 'Remove-Service', 'ConvertTo-CliXml', 'ConvertFrom-CliXml', 'Get-PSSubsystem',
        'Enable-ExperimentalFeature', 'Disable-ExperimentalFeature', 'Get-ExperimentalFeature', 'Get-SecureRandom')) {
    # Defined as not being there, as in Windows PowerShell 5.1.
    $null = New-Item -Path "Function:\global:$sevenOnly" -Value ([Management.Automation.ScriptBlock]::Create(
            "throw [Management.Automation.CommandNotFoundException]::new(`"The term '$sevenOnly' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.`")"))
}

# Aliases 5.1 has and pwsh on Linux does not (there the names run Linux programs instead).
$SimAliases = @{ ac = 'Add-Content'; cat = 'Get-Content'; clear = 'Clear-Host'; compare = 'Compare-Object'; cp = 'Copy-Item'; cpp = 'Copy-ItemProperty'
    curl = 'Invoke-WebRequest'; diff = 'Compare-Object'; kill = 'Stop-Process'; ls = 'Get-ChildItem'; man = 'help'; mount = 'New-PSDrive'
    mv = 'Move-Item'; ps = 'Get-Process'; rm = 'Remove-Item'; rmdir = 'Remove-Item'; sc = 'Set-Content'; sleep = 'Start-Sleep'
    sort = 'Sort-Object'; start = 'Start-Process'; tee = 'Tee-Object'; wget = 'Invoke-WebRequest'; write = 'Write-Output' }
foreach ($alias in $SimAliases.Keys) { Set-Alias -Name $alias -Value $SimAliases[$alias] -Scope Global -Option AllScope -Force }

# Windows programs a script may call directly (`& icacls.exe ...`); those not on the host stay
# unknown, so calling them fails with PowerShell's own "not recognized".
foreach ($programName in @('icacls', 'icacls.exe', 'C:\Windows\System32\icacls.exe', 'msiexec', 'msiexec.exe', 'C:\Windows\System32\msiexec.exe', 'winget', 'winget.exe', 'tailscale', 'tailscale.exe', $SimTailscaleExe)) {
    $path = Get-SimProgramPath -Name $programName
    if ($null -ne $path) { Set-Alias -Name $programName -Value $path -Scope Global -Force }
}

# Write-Host -ForegroundColor prints plain text, as a console's log would show it.
$PSStyle.OutputRendering = 'PlainText'

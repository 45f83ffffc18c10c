# A Windows program of the simulated host (tailscale.exe, msiexec.exe, icacls.exe, winget.exe): the
# pwsh back end copies this script under the program's name, and answers it over a Unix socket
# (programs.ts). Being a script, it can end with any Windows exit code (3010, 1603, negative HRESULTs),
# which no Linux process could. It runs wherever the caller runs it, prelude or not, and like a
# program it is not subject to the caller's strict mode.
Set-StrictMode -Off
$request = @{ program = [IO.Path]::GetFileNameWithoutExtension($PSCommandPath); argv = @($args | ForEach-Object { [string]$_ }); session = $env:MESH_SIM_SESSION }
$socket = [Net.Sockets.Socket]::new([Net.Sockets.AddressFamily]::Unix, [Net.Sockets.SocketType]::Stream, [Net.Sockets.ProtocolType]::Unspecified)
$exitCode = 1
try {
    $socket.Connect([Net.Sockets.UnixDomainSocketEndPoint]::new($env:MESH_SIM_SOCKET))
    $stream = [Net.Sockets.NetworkStream]::new($socket, $true)
    $writer = [IO.StreamWriter]::new($stream, [Text.UTF8Encoding]::new($false))
    $writer.WriteLine((Microsoft.PowerShell.Utility\ConvertTo-Json -InputObject $request -Compress))
    $writer.Flush()
    $reader = [IO.StreamReader]::new($stream, [Text.UTF8Encoding]::new($false))
    while ($true) {
        $next = $reader.ReadLineAsync()
        # Short waits: a caller that stops this pipeline (a deadline) is obeyed at once.
        while (-not $next.Wait(100)) { }
        if ($null -eq $next.Result) { break }
        # Frames: {"stream":"stdout"|"stderr","text":...,"exitCode":null}, then {"exitCode":n}.
        $frame = Microsoft.PowerShell.Utility\ConvertFrom-Json -InputObject $next.Result
        if ($null -ne $frame.exitCode) { $exitCode = $frame.exitCode; break }
        if ($frame.stream -eq 'stderr') { Write-Error -Message $frame.text -ErrorAction Continue } else { $frame.text }
    }
} finally {
    $socket.Dispose()
}
exit $exitCode

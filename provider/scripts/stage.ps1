# stage: makes the state directory ready for a file the provider sends (the MSI of an upload install):
# taken over first, so that only Administrators and SYSTEM can reach what arrives, and emptied of
# what an interrupted upload left.
Protect-MeshFolder -Path $Params.stateDir
$removed = New-Object System.Collections.ArrayList
foreach ($left in @(Get-ChildItem -LiteralPath $Params.stateDir -Filter 'upload-*.msi' -File)) {
    Remove-Item -LiteralPath $left.FullName -Force
    $null = $removed.Add($left.FullName)
}
@{ removed = $removed }

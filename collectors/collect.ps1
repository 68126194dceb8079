<#
.SYNOPSIS
  Collect one evcalc bundle (docs/bundle.md) from a vCenter, read-only, with PowerCLI.

.DESCRIPTION
  ./collect.ps1 -Server vcenter.example.com [-Cluster NAME] -Output bundle.json
  (prompts for the credential of a read-only account; or pass -Credential, or connect first
  with Connect-VIServer and give -Server the same name).

  Reads through the PropertyCollector (RetrievePropertiesEx over a container view, as
  collectors/collect.py does): every cluster's summary.currentEVCModeKey and
  EvcManager().evcState; every host's name, parent, runtime.connectionState, config.product,
  summary.currentEVCModeKey/maxEVCModeKey, summary.hardware.cpuModel, config.featureCapability,
  config.maskedFeatureCapability, hardware.cpuPkg and hardware.biosInfo; every VM's
  config.version, config.guestId, runtime.host, runtime.powerState, runtime.featureRequirement,
  runtime.offlineFeatureRequirement, runtime.featureMask, runtime.minRequiredEVCModeKey; and
  ServiceInstance.Capability.SupportedEVCMode. What the account cannot read (the server's
  missingSet) or the server leaves unset is written to `missing` with the reason. Only Retrieve
  calls and EvcManager() are made: a read-only role is enough. One progress line per cluster.

  Needs VMware PowerCLI (Install-Module VMware.PowerCLI). Windows PowerShell 5.1 and
  PowerShell 7 both work; the file is written as UTF-8.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)][string]$Server,
    [string]$Cluster,
    [Parameter(Mandatory = $true)][string]$Output,
    [System.Management.Automation.PSCredential]$Credential
)
$ErrorActionPreference = 'Stop'

$hostPaths = @('name', 'parent', 'runtime.connectionState', 'config.product', 'summary.currentEVCModeKey',
    'summary.maxEVCModeKey', 'summary.hardware.cpuModel', 'config.featureCapability',
    'config.maskedFeatureCapability', 'hardware.cpuPkg', 'hardware.biosInfo')
$vmPaths = @('name', 'config.version', 'config.guestId', 'runtime.host', 'runtime.powerState',
    'runtime.featureRequirement', 'runtime.offlineFeatureRequirement', 'runtime.featureMask',
    'runtime.minRequiredEVCModeKey')
$hostLists = @('config.featureCapability', 'config.maskedFeatureCapability')

# A vSphere value as plain JSON data: data objects by their properties (camelCase, as the API
# names them), managed object references by MoRef, enums as their names, dates in ISO 8601.
function ConvertTo-Plain($v) {
    if ($null -eq $v) { return $null }
    if ($v -is [VMware.Vim.ManagedObjectReference]) { return $v.Value }
    if ($v -is [string] -or $v -is [bool] -or $v -is [int] -or $v -is [long] -or $v -is [double] -or $v -is [short]) { return $v }
    if ($v -is [enum]) { return $v.ToString() }
    if ($v -is [datetime]) { return $v.ToUniversalTime().ToString('o') }
    if ($v -is [System.Collections.IEnumerable]) {
        $list = New-Object System.Collections.ArrayList
        foreach ($x in $v) { [void]$list.Add((ConvertTo-Plain $x)) }
        return , $list.ToArray()
    }
    if ($v -is [VMware.Vim.DynamicData]) {
        $o = [ordered]@{}
        foreach ($p in $v.PSObject.Properties) {
            if ($p.Name -in @('DynamicType', 'DynamicProperty', 'LinkedView')) { continue }
            if ($null -eq $p.Value) { continue }
            $name = $p.Name.Substring(0, 1).ToLowerInvariant() + $p.Name.Substring(1)
            $o[$name] = ConvertTo-Plain $p.Value
        }
        return $o
    }
    return $v.ToString()
}

function Get-FaultText($fault) {
    $msg = $fault.LocalizedMessage
    $name = if ($fault.Fault) { $fault.Fault.GetType().Name } else { 'fault' }
    if ($fault.Fault -is [VMware.Vim.NoPermission]) {
        $msg = "$msg (privilege $($fault.Fault.PrivilegeId) on $($fault.Fault.Object.Value))"
    }
    return "${name}: $msg".Trim()
}

if (-not (Get-Module -ListAvailable VMware.VimAutomation.Core)) {
    throw 'collect.ps1 needs VMware PowerCLI: Install-Module VMware.PowerCLI -Scope CurrentUser'
}
$vc = $global:DefaultVIServers | Where-Object { $_.Name -eq $Server -and $_.IsConnected } | Select-Object -First 1
if (-not $vc) {
    if (-not $Credential) { $Credential = Get-Credential -Message "read-only account for $Server" }
    $vc = Connect-VIServer -Server $Server -Credential $Credential
}
$si = Get-View ServiceInstance -Server $vc
$viewMgr = Get-View $si.Content.ViewManager -Server $vc
$pc = Get-View $si.Content.PropertyCollector -Server $vc

function Get-Objects([string]$Kind, [string[]]$Paths) {
    $view = Get-View ($viewMgr.CreateContainerView($si.Content.RootFolder, [string[]]@($Kind), $true)) -Server $vc
    try {
        $ts = New-Object VMware.Vim.TraversalSpec -Property @{ Name = 'view'; Path = 'view'; Skip = $false; Type = 'ContainerView' }
        $os = New-Object VMware.Vim.ObjectSpec -Property @{ Obj = $view.MoRef; Skip = $true; SelectSet = [VMware.Vim.SelectionSpec[]]@($ts) }
        $ps = New-Object VMware.Vim.PropertySpec -Property @{ Type = $Kind; PathSet = $Paths; All = $false }
        $fs = New-Object VMware.Vim.PropertyFilterSpec -Property @{ ObjectSet = [VMware.Vim.ObjectSpec[]]@($os); PropSet = [VMware.Vim.PropertySpec[]]@($ps) }
        $out = New-Object System.Collections.ArrayList
        $res = $pc.RetrievePropertiesEx([VMware.Vim.PropertyFilterSpec[]]@($fs), (New-Object VMware.Vim.RetrieveOptions))
        while ($res) {
            foreach ($oc in $res.Objects) { [void]$out.Add($oc) }
            if (-not $res.Token) { break }
            $res = $pc.ContinueRetrievePropertiesEx($res.Token)
        }
        return , $out.ToArray()
    } finally {
        $view.DestroyView()
    }
}

$missing = New-Object System.Collections.ArrayList
function Add-Missing($object, $property, $reason) {
    [void]$missing.Add([ordered]@{ object = $object; property = $property; reason = $reason })
}

$about = $si.Content.About
$bundle = [ordered]@{
    evcalcBundle = 1
    collector    = [ordered]@{ name = 'collect.ps1'; version = '1'; library = "PowerCLI $((Get-Module VMware.VimAutomation.Core).Version)" }
    collectedAt  = (Get-Date).ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ')
    vcenter      = [ordered]@{ host = $Server; fullName = $about.FullName; apiVersion = $about.ApiVersion; instanceUuid = $about.InstanceUuid }
    scope        = [ordered]@{ cluster = $(if ($Cluster) { $Cluster } else { $null }) }
}
$modes = $si.Capability.SupportedEVCMode
if ($modes) {
    $bundle['supportedEVCMode'] = ConvertTo-Plain $modes
} else {
    Add-Missing 'ServiceInstance' 'capability.supportedEVCMode' 'unset: the server returned no EVC modes'
}

$clusters = New-Object System.Collections.ArrayList
foreach ($oc in (Get-Objects 'ComputeResource' @('name', 'summary'))) {
    $props = @{}; foreach ($p in $oc.PropSet) { $props[$p.Name] = $p.Val }
    $name = $props['name']
    if ($Cluster -and $name -ne $Cluster) { continue }
    $entry = [ordered]@{ moref = $oc.Obj.Value; name = $name; type = 'ComputeResource' }
    foreach ($m in $oc.MissingSet) { Add-Missing $oc.Obj.Value $m.Path (Get-FaultText $m.Fault) }
    if ($oc.Obj.Type -eq 'ClusterComputeResource') {
        $entry['type'] = 'ClusterComputeResource'
        if ($props.ContainsKey('summary')) {
            $key = $props['summary'].CurrentEVCModeKey
            $entry['summary.currentEVCModeKey'] = $(if ($key) { $key } else { $null })
        }
        try {
            $view = Get-View $oc.Obj -Server $vc
            $mgr = Get-View ($view.EvcManager()) -Server $vc
            if ($mgr.EvcState) { $entry['evcState'] = ConvertTo-Plain $mgr.EvcState }
            else { Add-Missing $oc.Obj.Value 'evcState' 'unset: the server returned no evcState' }
        } catch {
            Add-Missing $oc.Obj.Value 'evcState' "$($_.Exception.Message)"
        }
    }
    [void]$clusters.Add($entry)
}
if ($Cluster -and $clusters.Count -eq 0) { throw "no cluster '$Cluster'" }
$wanted = @($clusters | ForEach-Object { $_.moref })

$hosts = New-Object System.Collections.ArrayList
foreach ($oc in (Get-Objects 'HostSystem' $hostPaths)) {
    $props = @{}; foreach ($p in $oc.PropSet) { $props[$p.Name] = $p.Val }
    $faults = @{}; foreach ($m in $oc.MissingSet) { $faults[$m.Path] = Get-FaultText $m.Fault }
    $parent = ConvertTo-Plain $props['parent']
    if ($wanted -notcontains $parent) { continue }
    $h = [ordered]@{ moref = $oc.Obj.Value }
    foreach ($path in $hostPaths) {
        if ($faults.ContainsKey($path)) { Add-Missing $oc.Obj.Value $path $faults[$path]; continue }
        $h[$path] = ConvertTo-Plain $props[$path]
        if ($null -eq $h[$path] -and $hostLists -contains $path) {
            Add-Missing $oc.Obj.Value $path "unset on the server (host $(ConvertTo-Plain $props['runtime.connectionState']))"
        }
    }
    [void]$hosts.Add($h)
}
$hostIds = @($hosts | ForEach-Object { $_.moref })

$vms = New-Object System.Collections.ArrayList
foreach ($oc in (Get-Objects 'VirtualMachine' $vmPaths)) {
    $props = @{}; foreach ($p in $oc.PropSet) { $props[$p.Name] = $p.Val }
    $faults = @{}; foreach ($m in $oc.MissingSet) { $faults[$m.Path] = Get-FaultText $m.Fault }
    if ($hostIds -notcontains (ConvertTo-Plain $props['runtime.host'])) { continue }
    $v = [ordered]@{ moref = $oc.Obj.Value }
    foreach ($path in $vmPaths) {
        if ($faults.ContainsKey($path)) { Add-Missing $oc.Obj.Value $path $faults[$path]; continue }
        $v[$path] = ConvertTo-Plain $props[$path]
    }
    [void]$vms.Add($v)
}

foreach ($c in $clusters) {
    $members = @($hosts | Where-Object { $_['parent'] -eq $c.moref } | ForEach-Object { $_.moref })
    $n = @($vms | Where-Object { $members -contains $_['runtime.host'] }).Count
    $evc = if ($c.Contains('summary.currentEVCModeKey')) { if ($c['summary.currentEVCModeKey']) { $c['summary.currentEVCModeKey'] } else { 'disabled' } } else { 'not read' }
    $state = if ($c.Contains('evcState')) { 'read' } else { 'not read' }
    Write-Host "cluster $($c.name) ($($c.moref)): $($members.Count) host(s), $n VM(s), EVC $evc, evcState $state"
}
foreach ($m in $missing) { Write-Warning "not collected: $($m.object) $($m.property): $($m.reason)" }

$bundle['clusters'] = $clusters.ToArray()
$bundle['hostSystems'] = $hosts.ToArray()
$bundle['virtualMachines'] = $vms.ToArray()
$bundle['missing'] = $missing.ToArray()
$bundle | ConvertTo-Json -Depth 32 | Out-File -FilePath $Output -Encoding utf8
Write-Host "wrote ${Output}: $($hosts.Count) hosts, $($vms.Count) VMs, $($missing.Count) properties not collected"

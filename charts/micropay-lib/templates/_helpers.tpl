{{/*
Names. One name everywhere (STYLE.md): the chart, the Kubernetes Service, the ServiceAccount
and the image are all the service's name, so the default fullname is the chart name with no
release prefix; peers then reach each other at http://<service>:<port>.
*/}}
{{- define "micropay-lib.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "micropay-lib.fullname" -}}
{{- default .Chart.Name .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "micropay-lib.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels that never change for the life of a release: Deployment and PDB selectors. */}}
{{- define "micropay-lib.selectorLabels" -}}
app.kubernetes.io/name: {{ include "micropay-lib.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "micropay-lib.labels" -}}
{{- $tag := "" }}
{{- with .Values.image }}{{ $tag = .tag }}{{ end -}}
helm.sh/chart: {{ include "micropay-lib.chart" . }}
{{ include "micropay-lib.selectorLabels" . }}
app.kubernetes.io/version: {{ $tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: micropay
{{- end }}

{{- define "micropay-lib.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "micropay-lib.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* repository:tag, or repository@digest when a digest is pinned. */}}
{{- define "micropay-lib.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/*
Plain configuration: the chart's own keys (listen address, port, migration switch, AWS
adapters) plus the service's `config` values. Empty values are left out: the services treat an
unset key as "use the default".
*/}}
{{- define "micropay-lib.configData" -}}
HOST: "0.0.0.0"
PORT: {{ .Values.service.port | quote }}
MIGRATE_ON_START: {{ ternary "false" "true" .Values.migration.enabled | quote }}
MICROPAY_DATA_DIR: "/tmp/micropay"
{{- with .Values.aws }}
{{- if .region }}
AWS_REGION: {{ .region | quote }}
{{- end }}
{{- if .snsTopicArn }}
EVENTS_SNS_TOPIC_ARN: {{ .snsTopicArn | quote }}
{{- end }}
{{- if .sqsQueueUrl }}
EVENTS_SQS_QUEUE_URL: {{ .sqsQueueUrl | quote }}
{{- end }}
{{- if .cloudMap.namespace }}
CLOUD_MAP_NAMESPACE: {{ .cloudMap.namespace | quote }}
CLOUD_MAP_SERVICE: {{ .cloudMap.service | default (include "micropay-lib.fullname" $) | quote }}
{{- end }}
{{- end }}
{{- range $key, $value := .Values.config }}
{{- if kindIs "float64" $value }}
{{ $key }}: {{ $value | int64 | toString | quote }}
{{- else if not (eq (toString $value) "") }}
{{ $key }}: {{ $value | toString | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/* Env entries that reference existing Secrets by name: the values never pass through Helm. */}}
{{- define "micropay-lib.secretEnv" -}}
{{- range $name, $ref := .Values.secretEnv }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ $ref.name }}
      key: {{ $ref.key }}
      {{- if $ref.optional }}
      optional: true
      {{- end }}
{{- end }}
{{- end }}

{{- define "micropay-lib.envFrom" -}}
{{- range .Values.envFromSecrets }}
- secretRef:
    name: {{ . }}
{{- end }}
{{- end }}

{{/* The restricted Pod Security Standard, for every container of the chart. */}}
{{- define "micropay-lib.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
runAsUser: {{ .Values.podSecurityContext.runAsUser }}
runAsGroup: {{ .Values.podSecurityContext.runAsGroup }}
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "micropay-lib.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.podSecurityContext.runAsUser }}
runAsGroup: {{ .Values.podSecurityContext.runAsGroup }}
fsGroup: {{ .Values.podSecurityContext.fsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end }}

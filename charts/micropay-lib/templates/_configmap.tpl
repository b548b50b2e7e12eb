{{- define "micropay-lib.configmap" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "micropay-lib.fullname" . }}
  labels:
    {{- include "micropay-lib.labels" . | nindent 4 }}
data:
  {{- include "micropay-lib.configData" . | nindent 2 }}
{{- end }}
